/** Bad input of every kind on every accounts route: always a 4xx in the contract's envelope, never a 500. */
import { call, closeClients } from '../support/client.js';

afterAll(closeClients);

const routes: Array<[string, string, Record<string, unknown>]> = [
  ['POST', '/v1/users/sms/code', { phone: '13800138000' }],
  [
    'POST',
    '/v1/users',
    { username: 'abc', password: 'password123', phone: '13800138000', email: 'a@b.cn', verify: '123456' },
  ],
  ['POST', '/v1/tokens', { account: 'abc', password: 'x' }],
  ['POST', '/v1/tokens/sms', { phone: '13800138000', verify: '123456' }],
  ['POST', '/v1/tokens/refresh', { refresh_token: 'x'.repeat(43) }],
  ['POST', '/v1/tokens/revoke', { refresh_token: 'x'.repeat(43) }],
];

const expectEnvelope = (body: any, code: number) => {
  expect(body).toEqual({
    code,
    error: expect.objectContaining({ reason: expect.any(String), message: expect.any(String) }),
  });
};

describe.each(routes)('%s %s', (method, path, valid) => {
  it('rejects malformed JSON with 400 malformed_json', async () => {
    const answer = await call(method, path, undefined, { raw: '{"phone": ' });
    expect(answer.status).toBe(400);
    expectEnvelope(answer.body, 10100);
    expect(answer.body.error.reason).toBe('malformed_json');
  });

  it('rejects an unknown field with 400 10100 naming it', async () => {
    const answer = await call(method, path, { ...valid, uid: '1000000001' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.fields).toEqual({ uid: 'is not allowed' });
  });

  it('rejects a missing body and wrong types with fields', async () => {
    for (const body of [
      undefined,
      {},
      Object.fromEntries(Object.keys(valid).map((k) => [k, 12345])),
      [valid],
      'text',
      null,
    ]) {
      const answer = await call(
        method,
        path,
        body === undefined ? undefined : body,
        body === undefined ? {} : { raw: JSON.stringify(body) },
      );
      expect(answer.status).toBe(400);
      expectEnvelope(answer.body, 10100);
    }
  });

  it('rejects a body over the size limit with 413', async () => {
    const answer = await call(method, path, { ...valid, padding: 'x'.repeat(20000) });
    expect(answer.status).toBe(413);
    expectEnvelope(answer.body, 10101);
  });

  it.each(['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x'])(
    'refuses %s with 415 (JSON only)',
    async (type) => {
      const answer = await call(method, path, undefined, { raw: 'phone=138', headers: { 'content-type': type } });
      expect(answer.status).toBe(415);
      expect(answer.body.error.reason).toBe('unsupported_media_type');
    },
  );

  it.each([
    ['['.repeat(1500) + ']'.repeat(1500), 'too_deeply_nested'],
    ['{"phone":"\\ud800"}', 'invalid_characters'],
    ['{"__proto__":{"x":1}}', 'forbidden_key'],
  ])('refuses a hostile body %#: %s', async (raw, reason) => {
    const answer = await call(method, path, undefined, { raw });
    expect(answer.status).toBe(400);
    expect(answer.body.error.reason).toBe(reason);
  });
});

describe('field rules', () => {
  it.each([
    ['phone', { phone: '12345' }],
    ['phone', { phone: '+1 415 555 0100' }],
    ['username', { username: 'ab' }],
    ['username', { username: 'has space' }],
    ['username', { username: '名字名字' }],
    ['password', { password: 'short' }],
    ['email', { email: 'not-an-email' }],
    ['verify', { verify: '12ab56' }],
  ])('registration names the bad %s', async (field, override) => {
    const body = {
      username: 'good_name',
      password: 'password123',
      phone: '13800138000',
      email: 'a@b.cn',
      verify: '123456',
      ...override,
    };
    const answer = await call('POST', '/v1/users', body);
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.body.error.fields)).toEqual([field]);
  });
});

describe('values the database would refuse', () => {
  it.each([
    ['POST', '/v1/tokens', { account: 'a\u0000b', password: 'x' }],
    ['POST', '/v1/users/weibo/bind', { bind_ticket: 'x'.repeat(43), account: 'a\u0000b', password: 'x' }],
  ])('%s %s with a NUL character is a 4xx, not a 500', async (method, path, body) => {
    const answer = await call(method, path, body);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
  });

  it('a username that is a phone number is refused (it could never sign in by username)', async () => {
    const answer = await call('POST', '/v1/users', {
      username: '13800138000',
      password: 'password123',
      phone: '13800138000',
      email: 'a@b.cn',
      verify: '123456',
    });
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.body.error.fields)).toEqual(['username']);
  });
});

describe('everything else', () => {
  it("malformed URLs and over-long path parameters get the envelope, not Fastify's own format", async () => {
    for (const path of ['/v1/users/sms/code/%E0%A4%A', `/v1/users/sms/code/${'a'.repeat(5000)}`]) {
      const answer = await call('GET', path);
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expectEnvelope(answer.body, answer.body.code);
    }
  });

  it('unknown routes get 404 in the envelope', async () => {
    const answer = await call('GET', '/v1/nope');
    expect(answer.status).toBe(404);
    expectEnvelope(answer.body, 10120);
  });

  it.each([undefined, 'garbage', 'Bearer', 'Bearer not.a.jwt', 'Basic abc'])(
    'me with authorization %p is 401',
    async (header) => {
      const answer = await call('GET', '/v1/users/me', undefined, header ? { headers: { authorization: header } } : {});
      expect(answer.status).toBe(401);
      expectEnvelope(answer.body, 10117);
    },
  );

  it('a token signed with another key is refused', async () => {
    const forged =
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAiLCJzaWQiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    expect((await call('GET', '/v1/users/me', undefined, { token: forged })).status).toBe(401);
  });

  it('health, docs and the OpenAPI document answer', async () => {
    expect((await call('GET', '/health/live')).body).toEqual({ code: 200, data: { status: 'up' } });
    expect((await call('GET', '/health/ready')).body.data.checks).toEqual({
      database: 'up',
      redis: 'up',
      redis_policy: 'up',
      queue: 'up',
    });
    const doc = await call('GET', '/docs-json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/users', '/v1/tokens', '/v1/users/sms/code']),
    );
  });
});
