import { createHmac, pbkdf2Sync } from 'node:crypto';
import { jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { loadConfig } from '../config/config.js';
import { AltchaVerifier } from './altcha.verifier.js';
import { SpentCaptchas } from './spent-captchas.store.js';

// Real Redis (logical database 14), like the other stores' specs: single use rests on SET NX there.
const redis = new Redis('redis://127.0.0.1:6379/14');
const SECRET = 'spec-captcha-secret-0123456789abcdef';
// CAPTCHA_COST=1 keeps the brute force in this spec to milliseconds; the format and checks are the same.
const verifier = new AltchaVerifier(
  loadConfig({ CAPTCHA_SECRET: SECRET, CAPTCHA_COST: '1' }),
  new SpentCaptchas(redis),
);

interface Params {
  algorithm: string;
  nonce: string;
  salt: string;
  cost: number;
  keyLength: number;
  keyPrefix: string;
  keySignature?: string;
  expiresAt?: number;
}
type Challenge = { parameters: Params; signature: string };

/**
 * An independent solver of the ALTCHA v2 PBKDF2 challenge: try counters from 0, the password being the nonce
 * bytes followed by the counter as a big-endian uint32, until the derived key starts with `keyPrefix`.
 */
function solve(challenge: Challenge): { counter: number; derivedKey: string } {
  const { nonce, salt, cost, keyLength, keyPrefix } = challenge.parameters;
  const password = Buffer.alloc(nonce.length / 2 + 4);
  Buffer.from(nonce, 'hex').copy(password);
  for (let counter = 0; ; counter++) {
    password.writeUInt32BE(counter, nonce.length / 2);
    const key = pbkdf2Sync(password, Buffer.from(salt, 'hex'), cost, keyLength, 'sha256').toString('hex');
    if (key.startsWith(keyPrefix)) return { counter, derivedKey: key };
  }
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
const newChallenge = async () => (await verifier.challenge()) as unknown as Challenge;

afterAll(() => redis.quit());

describe('AltchaVerifier challenges', () => {
  it('are ALTCHA v2 PBKDF2/SHA-256, expiring in 5 minutes, signed over their sorted parameters', async () => {
    const challenge = await newChallenge();
    const p = challenge.parameters;
    expect(p).toMatchObject({ algorithm: 'PBKDF2/SHA-256', cost: 1, keyLength: 32 });
    expect(p.nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(p.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(p.keyPrefix).toMatch(/^[0-9a-f]{32}$/); // deterministic mode: half the derived key
    expect(p.expiresAt! - Date.now() / 1000).toBeGreaterThan(295);
    const sorted = Object.fromEntries(Object.entries(p).sort(([a], [b]) => a.localeCompare(b)));
    const expected = createHmac('sha256', SECRET).update(JSON.stringify(sorted)).digest('hex');
    expect(challenge.signature).toBe(expected);
  });

  it('ask for between 1,000 and 2,000 derivations', async () => {
    const { counter } = solve(await newChallenge());
    expect(counter).toBeGreaterThanOrEqual(1000);
    expect(counter).toBeLessThanOrEqual(2000);
  });
});

describe('AltchaVerifier.verify', () => {
  it('accepts an independently computed solution once, then refuses it, and remembers it until expiry', async () => {
    const challenge = await newChallenge();
    const payload = encode({ challenge, solution: solve(challenge) });
    await expect(verifier.verify(payload)).resolves.toBe(true);
    await expect(verifier.verify(payload)).resolves.toBe(false);
    const ttl = await redis.ttl(`captcha:spent:${challenge.parameters.nonce}`);
    expect(ttl).toBeGreaterThan(290);
    expect(ttl).toBeLessThanOrEqual(300);
  });

  it('accepts one of two concurrent uses of the same solution', async () => {
    const challenge = await newChallenge();
    const payload = encode({ challenge, solution: solve(challenge) });
    const results = await Promise.all([verifier.verify(payload), verifier.verify(payload), verifier.verify(payload)]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('refuses an expired solution and spends nothing', async () => {
    const challenge = await newChallenge();
    const payload = encode({ challenge, solution: solve(challenge) });
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 301_000);
    try {
      await expect(verifier.verify(payload)).resolves.toBe(false);
    } finally {
      clock.mockRestore();
    }
    expect(await redis.exists(`captcha:spent:${challenge.parameters.nonce}`)).toBe(0);
  });

  it('refuses a wrong solution and spends nothing, so the right one still works', async () => {
    const challenge = await newChallenge();
    const solution = solve(challenge);
    const wrongKey = { ...solution, derivedKey: solution.derivedKey.replace(/^./, (c) => (c === '0' ? '1' : '0')) };
    await expect(verifier.verify(encode({ challenge, solution: wrongKey }))).resolves.toBe(false);
    await expect(verifier.verify(encode({ challenge, solution }))).resolves.toBe(true);
  });

  it.each<[string, (c: Challenge) => Challenge]>([
    ['a lower cost', (c) => ({ ...c, parameters: { ...c.parameters, cost: 0 } })],
    ['a later expiry', (c) => ({ ...c, parameters: { ...c.parameters, expiresAt: c.parameters.expiresAt! + 3600 } })],
    ['another key prefix', (c) => ({ ...c, parameters: { ...c.parameters, keyPrefix: '00' } })],
    ['no key signature', (c) => ({ ...c, parameters: { ...c.parameters, keySignature: undefined } })],
    ['no expiry', (c) => ({ ...c, parameters: { ...c.parameters, expiresAt: undefined } })],
    ['a forged signature', (c) => ({ ...c, signature: 'ab'.repeat(32) })],
    ['no signature', (c) => ({ ...c, signature: '' })],
  ])('refuses a solved challenge tampered with %s', async (_what, tamper) => {
    const challenge = await newChallenge();
    const solution = solve(challenge);
    await expect(verifier.verify(encode({ challenge: tamper(challenge), solution }))).resolves.toBe(false);
  });

  it('refuses a challenge signed with another secret', async () => {
    const other = new AltchaVerifier(
      loadConfig({ CAPTCHA_SECRET: 'another-secret-0123456789abcdef0123', CAPTCHA_COST: '1' }),
      new SpentCaptchas(redis),
    );
    const challenge = (await other.challenge()) as unknown as Challenge;
    await expect(verifier.verify(encode({ challenge, solution: solve(challenge) }))).resolves.toBe(false);
  });

  it.each([
    ['empty', ''],
    ['not base64 JSON', 'not-json!'],
    ['JSON null', encode(null)],
    ['no solution', encode({ challenge: { parameters: {}, signature: 'x' } })],
    ['a string counter', encode({ challenge: { parameters: { nonce: 'x' }, signature: 'x' }, solution: {} })],
    ['too long', 'A'.repeat(5000)],
  ])('refuses a malformed payload (%s) without throwing', async (_what, payload) => {
    await expect(verifier.verify(payload)).resolves.toBe(false);
  });
});
