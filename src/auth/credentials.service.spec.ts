import { Redis } from 'ioredis';
import { loadConfig } from '../config/config.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import type { User } from '../users/user.entity.js';
import type { UsersService } from '../users/users.service.js';
import { CredentialsService } from './credentials.service.js';
import type { PasswordHasher } from './password.hasher.js';

// Against the real Redis (database 14): the counting must be atomic there. The hasher is swapped for a slow fake.
const redis = new Redis('redis://127.0.0.1:6379/14');
const signals: Array<AbortSignal | undefined> = [];
const hasher = {
  verify: async (hash: string | null, pw: string, signal?: AbortSignal) => (
    signals.push(signal),
    await new Promise((r) => setTimeout(r, 20)),
    hash === `hash:${pw}`
  ),
};
const accounts = new Map<string, User>();
const users = { findByAccount: async (typed: string) => accounts.get(typed) ?? null };
const guard = new CredentialsService(
  new RateLimiter(redis),
  loadConfig({ LOGIN_ACCOUNT_MAX_FAILURES: '5', LOGIN_IP_MAX_FAILURES: '1000' }),
  hasher as unknown as PasswordHasher,
  users as unknown as UsersService,
);
const user = (): User => {
  const n = Math.floor(Math.random() * 1e8);
  return {
    id: `u-${n}`,
    username: `xm${n}`,
    phone: `+86138${String(n).padStart(8, '0')}`,
    email: `xm${n}@example.com`,
    passwordHash: 'hash:right',
  } as User;
};

afterAll(() => redis.quit());

describe('CredentialsService', () => {
  it("hands the client's gone-signal to the hash queue, so a client that left costs no hash", async () => {
    const { signal } = new AbortController();
    const u = user();
    await guard.verifyPassword(u, u.username, 'wrong', { ip: '10.0.0.9', signal });
    expect(signals.at(-1)).toBe(signal);
  });

  it('checks at most the limit of 20 parallel guesses; the rest are refused with 429 before hashing', async () => {
    const u = user();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => guard.verifyPassword(u, u.username, 'wrong', { ip: '10.0.0.1' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(results.filter((r) => r.status === 'rejected').every((r) => r.reason.status === 429)).toBe(true);
  });

  it('gives the attempt back on success, so a user who types it right is never locked by their own logins', async () => {
    const u = user();
    for (let i = 0; i < 10; i++)
      await expect(guard.verifyPassword(u, u.username, 'right', { ip: '10.0.0.2' })).resolves.toBe(true);
  });

  it('counts an unknown account by the typed identifier and answers false', async () => {
    await expect(guard.verifyPassword(null, `nobody${Math.random()}`, 'x', { ip: '10.0.0.3' })).resolves.toBe(false);
  });

  it('counts per typed identifier: spellings of one identifier share a budget, other identifiers of the account do not', async () => {
    const u = user();
    const local = u.phone!.slice(3);
    for (let i = 0; i < 3; i++) await guard.verifyPassword(u, u.phone!, 'wrong', { ip: '10.0.0.5' });
    for (let i = 0; i < 2; i++) await guard.verifyPassword(u, ` ${local} `, 'wrong', { ip: '10.0.0.5' });
    await expect(guard.verifyPassword(u, local, 'right', { ip: '10.0.0.5' })).rejects.toMatchObject({
      status: 429,
      reason: 'too_many_login_failures',
    });
    // The username and the email of the same account answer as if nothing happened (no linkage oracle).
    await expect(guard.verifyPassword(u, u.username.toUpperCase(), 'right', { ip: '10.0.0.5' })).resolves.toBe(true);
    await expect(guard.verifyPassword(u, u.email!, 'right', { ip: '10.0.0.5' })).resolves.toBe(true);
  });

  it('authenticate resolves what was typed and answers 401 for a wrong password or an unknown account', async () => {
    const u = user();
    accounts.set(u.username, u);
    await expect(guard.authenticate(u.username, 'right', { ip: '10.0.0.6' })).resolves.toBe(u);
    await expect(guard.authenticate(u.username, 'wrong', { ip: '10.0.0.6' })).rejects.toMatchObject({
      status: 401,
      reason: 'invalid_credentials',
    });
    await expect(guard.authenticate(`nobody${Math.random()}`, 'right', { ip: '10.0.0.6' })).rejects.toMatchObject({
      status: 401,
      reason: 'invalid_credentials',
    });
  });

  it('refuses any password for an account without one', async () => {
    const u = { ...user(), passwordHash: null } as User;
    await expect(guard.assertPassword(u, u.username, 'null', { ip: '10.0.0.7' })).rejects.toMatchObject({
      status: 401,
    });
  });

  it('forget clears the failures of every identifier of the account', async () => {
    const u = user();
    for (const typed of [u.username, u.phone!, u.email!])
      for (let i = 0; i < 5; i++) await guard.verifyPassword(u, typed, 'wrong', { ip: '10.0.0.4' });
    await expect(guard.verifyPassword(u, u.username, 'right', { ip: '10.0.0.4' })).rejects.toMatchObject({
      status: 429,
    });
    await guard.forget(u);
    for (const typed of [u.username, u.phone!, u.email!])
      await expect(guard.verifyPassword(u, typed, 'right', { ip: '10.0.0.4' })).resolves.toBe(true);
  });

  it('resetAttempt counts per phone before the code is tried; a success clears the count', async () => {
    const phone = user().phone!;
    let release: () => Promise<void> = async () => undefined;
    for (let i = 0; i < 5; i++) release = await guard.resetAttempt(phone, '10.0.0.8');
    await expect(guard.resetAttempt(phone, '10.0.0.8')).rejects.toMatchObject({
      status: 429,
      reason: 'too_many_reset_failures',
    });
    await release();
    await expect(guard.resetAttempt(phone, '10.0.0.8')).resolves.toBeInstanceOf(Function);
  });
});
