import { timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { FastifyAdapter as BoardAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bull';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { renderError } from '../common/error-envelope.js';
import { limited } from '../common/errors/index.js';
import type { AppConfig } from '../config/config.js';
import { MAIL_QUEUE, SMS_QUEUE } from '../infra/queues.js';
import { REDIS } from '../infra/redis.module.js';

const BASE = '/admin/queues';

/**
 * Bull Board at /admin/queues behind HTTP Basic auth (ADMIN_USER / ADMIN_PASSWORD); off without a password.
 * Failed attempts are counted per client IP in Redis: after ADMIN_MAX_FAILURES every attempt from that IP is
 * a 429 until the window ends, right credential or not, so the password cannot be guessed (docs/operations.md).
 */
export async function mountQueueBoard(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  if (!config.admin.password) {
    new Logger('QueueBoard').log(`${BASE} is off: set ADMIN_PASSWORD to enable the queue dashboard`);
    return;
  }
  const board = new BoardAdapter();
  createBullBoard({
    queues: [SMS_QUEUE, MAIL_QUEUE].map((name) => new BullAdapter(app.get<Queue>(getQueueToken(name)))),
    serverAdapter: board,
  });
  board.setBasePath(BASE);
  const guard = basicAuthGuard(config, app.get<Redis>(REDIS));
  await app.register(async (scope: FastifyInstance) => {
    scope.addHook('onRequest', guard);
    await scope.register(board.registerPlugin() as never, { prefix: BASE });
  });
}

function basicAuthGuard(config: AppConfig, redis: Redis) {
  const { adminMaxFailures: max, adminFailureWindowSeconds: window } = config.operations;
  const expected = Buffer.from(
    `Basic ${Buffer.from(`${config.admin.user}:${config.admin.password}`).toString('base64')}`,
  );
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const key = `admin:failures:${request.ip}`;
    const failures = Number(await redis.get(key));
    if (failures >= max) {
      const { status, body, headers } = renderError(
        limited('too_many_login_failures', Math.max(1, await redis.ttl(key))),
        request.headers['accept-language'],
      );
      await reply.code(status).headers(headers).send(body);
      return;
    }
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return;
    if ((await redis.incr(key)) === 1) await redis.expire(key, window);
    await reply
      .header('www-authenticate', 'Basic realm="queues"')
      .code(401)
      .send({
        code: 10117,
        error: { reason: 'admin_credentials_required', message: 'Queue dashboard: admin credentials required' },
      });
  };
}
