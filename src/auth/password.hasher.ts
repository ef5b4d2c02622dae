import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';
import { AppConfig } from '../config/config.js';
import { WorkQueue } from '../limits/work-queue.js';

/**
 * argon2id through libuv's thread pool: hashing never runs on the event loop. At most ARGON2_CONCURRENCY
 * hashes run at once, below the pool's size, so DNS look-ups and file reads always find a free thread; at most
 * ARGON2_MAX_QUEUE wait, beyond that `server_busy` (docs/abuse.md, "Password hashing").
 */
@Injectable()
export class PasswordHasher {
  /**
   * Verified against when the account does not exist, so both answers cost the same time. A PHC string with
   * the configured parameters and random salt and digest: verifying it costs one full hash, and it is built
   * without hashing at start-up.
   */
  private readonly dummyHash: string;
  private readonly queue: WorkQueue;

  constructor(private readonly config: AppConfig) {
    const { memoryCost, timeCost, parallelism } = config.argon2;
    const b64 = (n: number) => randomBytes(n).toString('base64').replace(/=+$/, '');
    this.dummyHash = `$argon2id$v=19$m=${memoryCost},t=${timeCost},p=${parallelism}$${b64(16)}$${b64(32)}`;
    this.queue = new WorkQueue(config.hashing.concurrency, config.hashing.maxQueue);
  }

  /** `signal`: the client's connection; if it closes while the hash waits, the hash is skipped. */
  hash(password: string, signal?: AbortSignal): Promise<string> {
    return this.queue.run(() => argon2.hash(password, { type: argon2.argon2id, ...this.config.argon2 }), signal);
  }

  /** False for a wrong password, a missing account (`hash` null) or a malformed hash; throws only when busy. */
  verify(hash: string | null | undefined, password: string, signal?: AbortSignal): Promise<boolean> {
    return this.queue.run(() => argon2.verify(hash ?? this.dummyHash, password).catch(() => false), signal);
  }
}
