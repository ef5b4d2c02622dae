import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { getQueueToken } from '@nestjs/bull';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bull';
import type { Redis } from 'ioredis';
import { renderError } from '../common/error-envelope.js';
import { fail, type ErrorReason } from '../common/errors/index.js';
import type { AppConfig } from '../config/config.js';
import { SMS_QUEUE } from '../infra/queues.js';
import { REDIS } from '../infra/redis.module.js';
import { metricsAccess } from '../observability/metrics-access.js';
import { Metrics } from '../observability/metrics.js';
import { probeAll, requireNoEviction, warnUnlessNoEviction } from './probes.js';

interface Reply {
  status: number;
  type?: string;
  body: string;
}
type Route = (req: IncomingMessage) => Promise<Reply>;

/**
 * The worker's own small HTTP server on WORKER_METRICS_PORT (0: none): `/health/live`, `/health/ready`
 * (Redis with `noeviction`, the queue connection) and `/metrics` (its job counters and process metrics,
 * behind METRICS_TOKEN like the API's), answering in the API's envelope. See docs/operations.md.
 */
export async function startWorkerEndpoint(app: INestApplicationContext, config: AppConfig): Promise<Server | null> {
  const logger = new Logger('WorkerEndpoint');
  const redis = app.get<Redis>(REDIS);
  warnUnlessNoEviction(redis, logger);
  const port = config.operations.workerMetricsPort;
  if (!port) return null;
  const routes = workerRoutes(app, config, redis);
  const server = createServer((req, res) => void answer(routes, req, res));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, config.host, resolve);
    });
  } catch (err) {
    // The consumers matter more than their metrics: a taken port is logged, not fatal.
    logger.error(`WORKER_METRICS_PORT ${port}: ${(err as Error).message}; the worker runs without its endpoint`);
    return null;
  }
  logger.log(`health and metrics on http://${config.host}:${port}`);
  return server;
}

function workerRoutes(app: INestApplicationContext, config: AppConfig, redis: Redis): Record<string, Route> {
  const queue = app.get<Queue>(getQueueToken(SMS_QUEUE));
  const registry = app.get(Metrics).registry;
  return {
    '/health/live': () => Promise.resolve(json(200, { code: 200, data: { status: 'up' } })),
    '/health/ready': async () => {
      const checks = await probeAll({
        redis: () => redis.ping(),
        redis_policy: () => requireNoEviction(redis),
        queue: () => queue.client.ping(),
      });
      if (Object.values(checks).some((s) => s !== 'up')) return problem('not_ready', checks);
      return json(200, { code: 200, data: { status: 'up', checks } });
    },
    '/metrics': async (req) => {
      const access = metricsAccess(config, req.headers.authorization);
      if (access === 'off') return problem('route_not_found');
      if (access === 'unauthorized') return problem('invalid_token');
      return { status: 200, type: registry.contentType, body: await registry.metrics() };
    },
  };
}

async function answer(routes: Record<string, Route>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  const route = req.method === 'GET' ? routes[path] : undefined;
  const out = route ? await route(req).catch(() => problem('not_ready')) : problem('route_not_found');
  res.writeHead(out.status, { 'content-type': out.type ?? 'application/json; charset=utf-8' }).end(out.body);
}

function json(status: number, body: unknown): Reply {
  return { status, body: JSON.stringify(body) };
}

function problem(reason: ErrorReason, checks?: Record<string, string>): Reply {
  const { status, body } = renderError(fail(reason));
  return json(status, checks ? { ...body, checks } : body);
}
