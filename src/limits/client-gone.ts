import type { ServerResponse } from 'node:http';

/**
 * Fires when the client goes away before its answer was sent, so queued work for it can be skipped
 * (WorkQueue). The response's `close` tells: the request's own `close` already fires once its body is read.
 * With Fastify: `clientGoneSignal(reply.raw)`.
 */
export function clientGoneSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
