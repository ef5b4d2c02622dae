import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../../config/config.js';
import { REDIS } from '../../infra/redis.module.js';

export const TICKET_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/** Only the SHA-256 of a ticket is stored: a Redis dump cannot be replayed as a bind. */
export const ticketKey = (ticket: string) => `weibo:ticket:${createHash('sha256').update(ticket).digest('hex')}`;

/** Bind tickets: 256 random bits standing for one Weibo uid until its owner picks an account. */
@Injectable()
export class BindTicketStore {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  async issue(uid: string): Promise<{ ticket: string; expiresIn: number }> {
    const ticket = randomBytes(32).toString('base64url');
    const expiresIn = this.config.weibo.ticketTtlSeconds;
    await this.redis.set(ticketKey(ticket), uid, 'EX', expiresIn);
    return { ticket, expiresIn };
  }

  /** The uid, without using the ticket up (checks that may fail come before `consume`). */
  peek(ticket: string): Promise<string | null> {
    return TICKET_FORMAT.test(ticket) ? this.redis.get(ticketKey(ticket)) : Promise.resolve(null);
  }

  /** GETDEL: of two concurrent uses exactly one gets the uid. */
  consume(ticket: string): Promise<string | null> {
    return TICKET_FORMAT.test(ticket) ? this.redis.getdel(ticketKey(ticket)) : Promise.resolve(null);
  }
}
