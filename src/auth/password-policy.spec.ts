import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { checkPassword, isCommonPassword } from './password-policy.js';

const listed = gunzipSync(readFileSync(new URL('./common-passwords.txt.gz', import.meta.url)))
  .toString()
  .split('\n')
  .filter(Boolean);

describe('the common-password list file', () => {
  it('holds the top 100,000 lines, lower-cased and de-duplicated, sorted by bytes for the binary search', () => {
    expect(listed.length).toBeGreaterThan(95_000);
    expect(new Set(listed).size).toBe(listed.length);
    const sorted = [...listed].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(listed).toEqual(sorted);
    expect(listed.every((w) => w === w.toLowerCase())).toBe(true);
  });
});

describe('isCommonPassword', () => {
  it('finds every listed password, the first, the last and one in the middle', () => {
    for (const word of [listed[0], listed[listed.length - 1], listed[listed.length >> 1], '123456', 'password'])
      expect(isCommonPassword(word)).toBe(true);
    expect(listed.filter((_, i) => i % 97 === 0).every((w) => isCommonPassword(w))).toBe(true);
  });

  it('compares case-insensitively', () => {
    expect(isCommonPassword('PassWord')).toBe(true);
    expect(isCommonPassword('QWERTY123')).toBe(true);
  });

  it('does not match prefixes or extensions of listed words, nor words between them', () => {
    const set = new Set(listed);
    const sample = listed.filter((_, i) => i % 101 === 0);
    const unlisted = sample.flatMap((w) => [w.slice(0, -1), `${w}\u0001`, `${w}\n${w}`]).filter((w) => !set.has(w));
    expect(unlisted.length).toBeGreaterThan(sample.length);
    expect(unlisted.filter((w) => isCommonPassword(w))).toEqual([]);
    expect(isCommonPassword('correct horse battery staple 9')).toBe(false);
    expect(isCommonPassword('\u{10ffff}')).toBe(false);
  });
});

describe('checkPassword', () => {
  const me = { username: 'zhangwei88', phone: '+8613800138000', email: 'wei.zhang@example.com' };

  it('accepts an uncommon password unrelated to the account', () => {
    expect(checkPassword('violet-tram-47-quay', me)).toBeNull();
    expect(checkPassword('violet-tram-47-quay')).toBeNull();
  });

  it('refuses a common password', () => {
    expect(checkPassword('iloveyou', me)).toMatch(/common/);
    expect(checkPassword('Qwerty123', {})).toMatch(/common/);
  });

  it.each([
    ['the username', 'my-ZhangWei88-pass'],
    ['the phone digits', 'x13800138000x'],
    ['the email local part', 'Wei.Zhang!2026'],
    ['exactly the username', 'zhangwei88'],
  ])('refuses a password containing %s', (_what, password) => {
    expect(checkPassword(password, me)).toMatch(/username, phone number or email/);
  });

  it('ignores parts shorter than 4 characters', () => {
    expect(checkPassword('bob-violet-tram-47', { username: 'bob', email: 'amy@example.com' })).toBeNull();
    expect(checkPassword('amy-violet-tram-47', { username: 'bob', email: 'amy@example.com' })).toBeNull();
  });

  it('treats absent parts as nothing to avoid', () => {
    expect(checkPassword('violet-tram-47-quay', { username: null, phone: undefined, email: '' })).toBeNull();
  });
});
