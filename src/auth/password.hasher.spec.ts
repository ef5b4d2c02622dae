import { renderError } from '../common/error-envelope.js';
import { AppError } from '../common/errors/index.js';
import { loadConfig } from '../config/config.js';
import { PasswordHasher } from './password.hasher.js';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher(loadConfig({}));

  it('hashes with argon2id at the configured cost and verifies', async () => {
    const hash = await hasher.hash('correct horse');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,(t=2,p=1|p=1,t=2)\$/);
    await expect(hasher.verify(hash, 'correct horse')).resolves.toBe(true);
    await expect(hasher.verify(hash, 'wrong horse')).resolves.toBe(false);
  });

  it('spends a full verification on a missing account and never matches', async () => {
    const started = performance.now();
    await expect(hasher.verify(null, 'anything')).resolves.toBe(false);
    expect(performance.now() - started).toBeGreaterThan(1); // a real argon2 computation ran, not a shortcut
  });

  it('answers false for a malformed stored hash', async () => {
    await expect(hasher.verify('not-a-phc-string', 'anything')).resolves.toBe(false);
  });

  it('refuses hashes beyond ARGON2_MAX_QUEUE with server_busy and Retry-After', async () => {
    const busy = new PasswordHasher(loadConfig({ ARGON2_CONCURRENCY: '1', ARGON2_MAX_QUEUE: '1' }));
    const results = await Promise.allSettled([busy.hash('a'), busy.hash('b'), busy.hash('c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    const refused = (results[2] as PromiseRejectedResult).reason as AppError;
    expect(refused).toMatchObject({ status: 503, reason: 'server_busy' });
    expect(refused.extra.retryAfter).toBeGreaterThanOrEqual(1);
    const rendered = renderError(refused, 'en');
    expect(rendered.status).toBe(503);
    expect(rendered.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(rendered.body).toEqual({ code: 10134, error: { reason: 'server_busy', message: expect.any(String) } });
  });

  it('skips a queued verification whose client went away', async () => {
    const single = new PasswordHasher(loadConfig({ ARGON2_CONCURRENCY: '1' }));
    const gone = new AbortController();
    const first = single.hash('a');
    const skipped = single.verify(null, 'b', gone.signal);
    gone.abort();
    await expect(skipped).rejects.toMatchObject({ reason: 'client_closed_request' });
    await expect(first).resolves.toMatch(/^\$argon2id\$/);
  });
});
