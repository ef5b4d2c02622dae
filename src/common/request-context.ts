import type { ServerResponse } from 'node:http';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface RequestMeta {
  ip: string;
  userAgent: string | null;
  /** Fires when the client goes away before its answer was sent: queued work for it may be skipped. */
  signal?: AbortSignal;
}

/**
 * One request's metadata. The client-gone signal is made on first read: most routes never read it, and a
 * signal per request (or a getter defined per object) was several % of a cheap route's CPU and allocations
 * (docs/performance.md).
 */
class ClientMeta implements RequestMeta {
  private gone?: AbortSignal;

  constructor(
    readonly ip: string,
    readonly userAgent: string | null,
    private readonly res?: ServerResponse,
  ) {}

  get signal(): AbortSignal | undefined {
    return (this.gone ??= this.res && clientGoneSignal(this.res));
  }

  set signal(signal: AbortSignal | undefined) {
    this.gone = signal;
  }
}

/** Client IP (from X-Forwarded-For only through trusted proxies, docs/abuse.md), user agent, client-gone signal. */
export const ReqMeta = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestMeta => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  const reply = ctx.switchToHttp().getResponse<FastifyReply | undefined>();
  const ua = request.headers['user-agent'];
  return new ClientMeta(request.ip, typeof ua === 'string' ? ua.slice(0, 512) : null, reply?.raw);
});

/**
 * Fires when the client goes away before its answer was sent, so queued work for it can be skipped
 * (WorkQueue). The response's `close` tells: the request's own `close` already fires once its body is read.
 * With Fastify: `clientGoneSignal(reply.raw)`.
 */
export function clientGoneSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  if (res.destroyed && !res.writableFinished) controller.abort(); // already gone before anyone asked
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
