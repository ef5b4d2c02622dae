import { AuthError } from './errors.js';
import type { KeyValueStorage, LockFn } from './http.js';
import type { Tokens } from './types.js';

/** Refresh this long before the access token expires, so a request never leaves with a dying token. */
const EARLY_MS = 30_000;

/**
 * The tokens of one signed-in user. The access token lives in memory only; the refresh token is in
 * `storage`, so a reload (or another tab) can get a new access token.
 *
 * A refresh token is single use: presenting one twice is treated as theft and ends the whole session
 * (RFC 9700 §4.14.2). So refreshes are single-flight: one promise per client, and, where `lock` exists
 * (Web Locks in browsers), one at a time across tabs, each re-reading the stored token inside the lock.
 */
export class TokenSession {
  private access: string | null = null;
  private accessExpiresAt = 0;
  private refreshing: Promise<boolean> | null = null;
  private reauthToken: { value: string; expiresAt: number } | null = null;

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly key: string,
    private readonly lock: LockFn,
    private readonly rotate: (refreshToken: string) => Promise<Tokens>,
    private readonly onSignedOut: (reason: string) => void,
  ) {}

  async save(tokens: Tokens): Promise<void> {
    this.access = tokens.token;
    this.accessExpiresAt = Date.now() + tokens.expires_in * 1000;
    this.reauthToken = null; // bound to the previous session
    await this.storage.set(this.key, tokens.refresh_token);
  }

  async storedRefreshToken(): Promise<string | null> {
    return this.storage.get(this.key);
  }

  /**
   * A usable access token (refreshing first when there is none or it is about to expire); null when signed out.
   * The stored refresh token is looked at every time: once another tab signs out, this one stops too.
   */
  async accessToken(): Promise<string | null> {
    if (this.access && Date.now() < this.accessExpiresAt - EARLY_MS) {
      if ((await this.storage.get(this.key)) !== null) return this.access;
      this.forgetMemory();
      return null;
    }
    return (await this.refresh()) ? this.access : null;
  }

  /** Rotates the refresh token once, however many callers ask at the same time; false when signed out. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.lock(`${this.key}.refresh`, () => this.rotateStored()).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async rotateStored(): Promise<boolean> {
    const refreshToken = await this.storage.get(this.key);
    if (!refreshToken) {
      this.forgetMemory();
      return false;
    }
    try {
      await this.save(await this.rotate(refreshToken));
      return true;
    } catch (err) {
      if (!(err instanceof AuthError) || err.status !== 401) throw err; // offline: keep the session
      await this.end(err.reason);
      return false;
    }
  }

  /** The session is over (revoked, expired, reused, signed out): forget everything and tell the app. */
  async end(reason: string): Promise<void> {
    const hadSession = this.access !== null || (await this.storage.get(this.key)) !== null;
    await this.forget();
    if (hadSession) this.onSignedOut(reason);
  }

  async forget(): Promise<void> {
    this.forgetMemory();
    await this.storage.remove(this.key);
  }

  private forgetMemory(): void {
    this.access = null;
    this.accessExpiresAt = 0;
    this.reauthToken = null;
  }

  setReauth(value: string, expiresIn: number): void {
    this.reauthToken = { value, expiresAt: Date.now() + expiresIn * 1000 };
  }

  reauth(): string | null {
    if (this.reauthToken && Date.now() < this.reauthToken.expiresAt - 5_000) return this.reauthToken.value;
    this.reauthToken = null;
    return null;
  }

  dropReauth(): void {
    this.reauthToken = null;
  }
}
