import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { FastifyAdapter as BoardAdapter } from '@bull-board/fastify';
import { Logger } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bull';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bull';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '../config/config.js';
import { MAIL_QUEUE, SMS_QUEUE } from '../infra/queues.js';

const BASE = '/admin/queues';

/** Bull Board at /admin/queues behind HTTP Basic auth (ADMIN_USER / ADMIN_PASSWORD); off without a password. */
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
  const expected = Buffer.from(
    `Basic ${Buffer.from(`${config.admin.user}:${config.admin.password}`).toString('base64')}`,
  );
  await app.register(async (scope: FastifyInstance) => {
    scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const given = Buffer.from(request.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        await reply
          .header('www-authenticate', 'Basic realm="queues"')
          .code(401)
          .send({
            code: 10117,
            error: { reason: 'admin_credentials_required', message: 'Queue dashboard: admin credentials required' },
          });
      }
    });
    await scope.register(board.registerPlugin() as never, { prefix: BASE });
  });
}
