import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/config.js';

/**
 * AES-256-GCM for provider secrets at rest (Weibo access tokens, WeChat session keys).
 * Format `v<version>.<iv>.<tag>.<ciphertext>` (base64url), so keys can rotate: new data uses the current
 * version, old data stays readable while its key is still configured.
 */
@Injectable()
export class SecretBox {
  constructor(private readonly config: AppConfig) {}

  /** Each key version imported once, not on every seal (docs/performance.md). */
  private readonly keys = new Map<number, KeyObject>();

  seal(plaintext: string): string {
    const version = this.config.encryption.current;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key(version), iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [`v${version}`, iv, cipher.getAuthTag(), data]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** True when `sealed` is sealed under the current key version (`npm run reseal` skips it). */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith(`v${this.config.encryption.current}.`);
  }

  open(sealed: string): string {
    const [tag, iv, authTag, data] = sealed.split('.');
    const decipher = createDecipheriv('aes-256-gcm', this.key(Number(tag.slice(1))), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(authTag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }

  private key(version: number): KeyObject {
    let key = this.keys.get(version);
    if (key) return key;
    const bytes = this.config.encryption.keys[version];
    if (!bytes) throw new Error(`no encryption key version ${version} configured`);
    key = createSecretKey(bytes);
    this.keys.set(version, key);
    return key;
  }
}
