import { createHmac, createSecretKey } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { AccessTokenVerifier, HS256_HEADER } from './access-token-verifier.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const key = createSecretKey(Buffer.from(SECRET));
const jwt = new JwtService({ secret: key, signOptions: { algorithm: 'HS256', issuer: 'nest-auth-cn' } });
const verifier = new AccessTokenVerifier(key, 'nest-auth-cn');
const now = Math.floor(Date.now() / 1000);

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
/** A token signed by hand, so the header and claims can be anything. */
function forge(header: unknown, claims: unknown, secret = SECRET): string {
  const body = `${b64(header)}.${b64(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
const good = { sub: 'u1', sid: 's1', iss: 'nest-auth-cn', iat: now, exp: now + 60 };

describe('AccessTokenVerifier', () => {
  it('accepts what @nestjs/jwt signs for the service and returns sub and sid', async () => {
    const token = await jwt.signAsync({ sub: 'u1', sid: 's1' }, { expiresIn: 60 });
    expect(token.split('.')[0]).toBe(HS256_HEADER);
    expect(verifier.verify(token)).toEqual({ sub: 'u1', sid: 's1' });
  });

  it('refuses a token signed with another secret, or altered after signing', () => {
    expect(verifier.verify(forge({ alg: 'HS256', typ: 'JWT' }, good, 'another-secret'))).toBeNull();
    const token = forge({ alg: 'HS256', typ: 'JWT' }, good);
    const [h, , s] = token.split('.');
    expect(verifier.verify(`${h}.${b64({ ...good, sub: 'u2' })}.${s}`)).toBeNull();
    expect(verifier.verify(`${token.slice(0, -2)}AA`)).toBeNull();
    expect(verifier.verify(`${token}A`)).toBeNull();
  });

  it('refuses any other header: alg none, another algorithm, extra fields (RFC 8725 §3.1)', () => {
    expect(verifier.verify(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(good)}.`)).toBeNull();
    expect(verifier.verify(forge({ alg: 'HS512', typ: 'JWT' }, good))).toBeNull();
    expect(verifier.verify(forge({ alg: 'HS256', typ: 'JWT', kid: 'x' }, good))).toBeNull();
  });

  it('refuses expired, not-yet-valid, foreign-issuer and incomplete claims', () => {
    const header = { alg: 'HS256', typ: 'JWT' };
    expect(verifier.verify(forge(header, { ...good, exp: now }), now)).toBeNull();
    expect(verifier.verify(forge(header, { ...good, exp: undefined }))).toBeNull();
    expect(verifier.verify(forge(header, { ...good, exp: String(now + 60) }))).toBeNull();
    expect(verifier.verify(forge(header, { ...good, nbf: now + 30 }), now)).toBeNull();
    expect(verifier.verify(forge(header, { ...good, nbf: now - 30 }), now)).toEqual({ sub: 'u1', sid: 's1' });
    expect(verifier.verify(forge(header, { ...good, iss: 'someone-else' }))).toBeNull();
    expect(verifier.verify(forge(header, { ...good, sid: undefined }))).toBeNull();
    expect(verifier.verify(forge(header, { ...good, sub: 42 }))).toBeNull();
  });

  it('refuses malformed input without throwing', () => {
    for (const token of ['', 'abc', 'a.b', 'a.b.c.d', `${HS256_HEADER}..`, `${HS256_HEADER}.!!.x`]) {
      expect(verifier.verify(token)).toBeNull();
    }
    const header = { alg: 'HS256', typ: 'JWT' };
    expect(verifier.verify(forge(header, 'not json'))).toBeNull();
    expect(verifier.verify(forge(header, [1, 2]))).toBeNull();
    expect(verifier.verify(forge(header, null))).toBeNull();
  });
});
