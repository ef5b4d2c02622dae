import { Injectable, type OnModuleInit } from '@nestjs/common';
import argon2 from 'argon2';
import { AppConfig } from '../config/config.js';

/** argon2id through libuv's thread pool: hashing never runs on the event loop. */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  /** Verified against when the account does not exist, so both answers cost the same time. */
  private dummyHash: string;

  constructor(private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hash('dummy password that never matches');
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, ...this.config.argon2 });
  }

  async verify(hash: string | null | undefined, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash ?? this.dummyHash, password);
    } catch {
      return false;
    }
  }

  /** Spends the time of one verification without an account, for uniform answers. */
  async burn(password: string): Promise<void> {
    await this.verify(this.dummyHash, password);
  }
}
