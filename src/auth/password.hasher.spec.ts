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
});
