import type { ServerResponse } from 'node:http';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface RequestMeta {
  ip: string;
  userAgent: string | null;
  /** Fires when the client goes away before its answer was sent: queued work for it may be skipped. */
  signal?: AbortSignal;
}

/** Client IP (from X-Forwarded-For only through trusted proxies, docs/abuse.md), user agent, client-gone signal. */
export const ReqMeta = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestMeta => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  const reply = ctx.switchToHttp().getResponse<FastifyReply | undefined>();
  const ua = request.headers['user-agent'];
  const meta: RequestMeta = { ip: request.ip, userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null };
  const res = reply?.raw;
  if (!res) return meta;
  // Made on first use: most routes never read it, and a signal per request was ~4 % of a cheap route.
  let signal: AbortSignal | undefined;
  return Object.defineProperty(meta, 'signal', {
    enumerable: true,
    configurable: true,
    get: () => (signal ??= clientGoneSignal(res)),
  });
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
