import { Redis } from 'ioredis';
import { loadConfig } from '../config/config.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import type { User } from '../users/user.entity.js';
import { LoginGuardService } from './login-guard.service.js';
import type { PasswordHasher } from './password.hasher.js';

// Against the real Redis (database 14): the counting must be atomic there. The hasher is swapped for a slow fake.
const redis = new Redis('redis://127.0.0.1:6379/14');
const hasher = {
  verify: async (hash: string | null, pw: string) => (
    await new Promise((r) => setTimeout(r, 20)),
    hash === `hash:${pw}`
  ),
};
const guard = new LoginGuardService(
  new RateLimiter(redis),
  loadConfig({ LOGIN_ACCOUNT_MAX_FAILURES: '5', LOGIN_IP_MAX_FAILURES: '1000' }),
  hasher as unknown as PasswordHasher,
);
const user = (): User => ({ id: `u-${Math.random()}`, username: 'xm', passwordHash: 'hash:right' }) as User;

afterAll(() => redis.quit());

describe('LoginGuardService', () => {
  it('checks at most the limit of 20 parallel guesses; the rest are refused with 429 before hashing', async () => {
    const u = user();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => guard.verifyPassword(u, 'xm', 'wrong', '10.0.0.1')),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(
      results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason.status === 429),
    ).toBe(true);
  });

  it('gives the attempt back on success, so a user who types it right is never locked by their own logins', async () => {
    const u = user();
    for (let i = 0; i < 10; i++) await expect(guard.verifyPassword(u, 'xm', 'right', '10.0.0.2')).resolves.toBe(true);
  });

  it('counts an unknown account by the typed identifier and answers false', async () => {
    await expect(guard.verifyPassword(null, `nobody${Math.random()}`, 'x', '10.0.0.3')).resolves.toBe(false);
  });

  it('forget clears the failures of an account', async () => {
    const u = user();
    for (let i = 0; i < 5; i++) await guard.verifyPassword(u, 'xm', 'wrong', '10.0.0.4');
    await expect(guard.verifyPassword(u, 'xm', 'right', '10.0.0.4')).rejects.toMatchObject({ status: 429 });
    await guard.forget(u);
    await expect(guard.verifyPassword(u, 'xm', 'right', '10.0.0.4')).resolves.toBe(true);
  });
});
