import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../config/config.js';

/** argon2id through libuv's thread pool: hashing never runs on the event loop. */
@Injectable()
export class PasswordHasher {
  /**
   * Verified against when the account does not exist, so both answers cost the same time. A PHC string with
   * the configured parameters and random salt and digest: verifying it costs one full hash, and it is built
   * without hashing at start-up.
   */
  private readonly dummyHash: string;

  constructor(private readonly config: AppConfig) {
    const { memoryCost, timeCost, parallelism } = config.argon2;
    const b64 = (n: number) => randomBytes(n).toString('base64').replace(/=+$/, '');
    this.dummyHash = `$argon2id$v=19$m=${memoryCost},t=${timeCost},p=${parallelism}$${b64(16)}$${b64(32)}`;
  }

  hash(password: string): Promise<string> {
    return this.limited(() => argon2.hash(password, { type: argon2.argon2id, ...this.config.argon2 }));
  }

  async verify(hash: string | null | undefined, password: string): Promise<boolean> {
    try {
      return await this.limited(() => argon2.verify(hash ?? this.dummyHash, password));
    } catch {
      return false;
    }
  }

  private running = 0;
  private readonly waiting: Array<() => void> = [];

  /**
   * At most ARGON2_CONCURRENCY hashes at once (default: cores − 1). Hashing runs in libuv's thread pool; with
   * one hash thread per spare core the event-loop thread is never starved of CPU by them, so other requests
   * keep their latency while logins queue (README, Performance).
   */
  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.config.argon2Concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
