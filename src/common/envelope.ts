import { StreamableFile } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';

/** A handler result that already carries its business code (the Weibo `201` answer). */
export class Envelope<T> {
  constructor(
    readonly code: number,
    readonly data: T,
  ) {}
}

/** A successful handler result as `{code: 200, data}` (docs/api.md, conventions). */
export function envelope(data: unknown): { code: number; data: unknown } {
  return data instanceof Envelope ? { code: data.code, data: data.data as unknown } : { code: 200, data: data ?? {} };
}

/**
 * Fastify for Nest, wrapping every handler result in the envelope where Nest hands it over (`reply`). Errors
 * never come here (HttpExceptionFilter writes them; a fallback error body or a file passes through unwrapped). A global interceptor would do the same through RxJS
 * observables on every request, ~7 % of a cheap route's CPU (docs/performance.md).
 */
export class EnvelopingFastifyAdapter extends FastifyAdapter {
  override reply(...[response, body, statusCode]: Parameters<FastifyAdapter['reply']>) {
    const passThrough = (statusCode ?? 200) >= 400 || body instanceof StreamableFile;
    return super.reply(response, passThrough ? body : envelope(body), statusCode);
  }
}
