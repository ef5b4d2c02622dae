import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ProviderError, providerErrorToAppError } from '../common/errors/index.js';

/** Routes that sign someone in, by method, for the login counters. */
const LOGIN_ROUTES: Record<string, string> = {
  'POST /v1/tokens': 'password',
  'POST /v1/tokens/sms': 'sms',
  'GET /v1/users/weibo/users': 'weibo',
  'POST /v1/users/weibo/bind': 'weibo',
  'POST /v1/users/wechat/login': 'wechat',
};

export type SmsRefusal = 'cooldown' | 'daily' | 'ip' | 'network' | 'global' | 'captcha';

/** The process's Prometheus registry: the API's GET /metrics, or the worker's (WORKER_METRICS_PORT). */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  private readonly http = new Histogram({
    name: 'auth_http_request_duration_seconds',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  private readonly logins = new Counter({
    name: 'auth_logins_total',
    help: 'Sign-in attempts by method and outcome (succeeded, failed, error)',
    labelNames: ['method', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly upstream = new Histogram({
    name: 'auth_upstream_request_duration_seconds',
    help: 'Calls to Weibo and WeChat by endpoint and outcome (ok or the error reason)',
    labelNames: ['provider', 'endpoint', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly smsRefused = new Counter({
    name: 'auth_sms_code_refused_total',
    help: 'SMS code requests refused, by reason (cooldown, daily, ip, network, global, captcha)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  /** One labelled child per series, so a request does not hash its labels (routes are Fastify's templates). */
  private readonly httpSeries = new Map<string, { observe(seconds: number): void }>();

  constructor() {
    // Standard names (process_*, nodejs_*), so stock Node.js dashboards work unchanged.
    collectDefaultMetrics({ register: this.registry });
  }

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    const series = `${method} ${route} ${status}`;
    let observer = this.httpSeries.get(series);
    if (!observer) {
      observer = this.http.labels(method, route, String(status));
      this.httpSeries.set(series, observer);
    }
    observer.observe(seconds);
    const login = LOGIN_ROUTES[`${method} ${route}`];
    if (login)
      this.logins.inc({ method: login, outcome: status < 400 ? 'succeeded' : status < 500 ? 'failed' : 'error' });
  }

  smsCodeRefused(reason: SmsRefusal): void {
    this.smsRefused.inc({ reason });
  }

  /** Times one provider call; the outcome label is `ok` or the client-facing reason it ended with. */
  async timeUpstream<T>(provider: string, endpoint: string, call: () => Promise<T>): Promise<T> {
    const end = this.upstream.startTimer({ provider, endpoint });
    try {
      const result = await call();
      end({ outcome: 'ok' });
      return result;
    } catch (err) {
      end({ outcome: err instanceof ProviderError ? providerErrorToAppError(err).reason : 'error' });
      throw err;
    }
  }
}
