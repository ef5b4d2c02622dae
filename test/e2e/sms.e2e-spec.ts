/** SMS codes: the one-SMS-per-race rule, limits, wrong attempts, and Ronglian faults through the real worker. */
import { call, closeClients, newIp, newPhone, redis, requestCode, ronglian, stack, until } from '../support/client.js';

afterAll(closeClients);
afterEach(() => ronglian.reset());

const statusOf = async (requestId: string) => (await call('GET', `/v1/users/sms/code/${requestId}`)).body.data?.status;
const settled = (requestId: string) =>
  until(async () => {
    const status = await statusOf(requestId);
    return status !== 'queued' && status;
  }, `request ${requestId} to settle`);

describe('sending codes', () => {
  it('20 concurrent requests for one phone send exactly one SMS; the others get 429 10111 with Retry-After', async () => {
    const phone = newPhone();
    const answers = await Promise.all(Array.from({ length: 20 }, () => call('POST', '/v1/users/sms/code', { phone })));
    const ok = answers.filter((a) => a.status === 200);
    const limited = answers.filter((a) => a.status === 429);
    expect(ok).toHaveLength(1);
    expect(limited).toHaveLength(19);
    expect(limited[0].body.code).toBe(10111);
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await settled(ok[0].body.data.request_id)).toBe('sent');
    expect(await ronglian.messages(phone)).toHaveLength(1);
  });

  it('stores only an HMAC of the code in Redis, with the code TTL', async () => {
    const phone = newPhone();
    const code = await requestCode(phone);
    const stored = await redis().hgetall(`sms:{+86${phone}}:code`);
    expect(stored.h).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(code);
    const ttl = await redis().ttl(`sms:{+86${phone}}:code`);
    expect(ttl).toBeGreaterThan(170);
    expect(ttl).toBeLessThanOrEqual(180);
  });

  it('caps codes per phone per day (SMS_DAILY_CAP) with 429 sms_daily_limit', async () => {
    const phone = newPhone();
    const cap = Number(stack.env.SMS_DAILY_CAP);
    for (let i = 0; i < cap; i++) {
      await requestCode(phone);
      await redis().del(`sms:{+86${phone}}:cooldown`); // skip the resend cooldown, not the daily cap
    }
    const over = await call('POST', '/v1/users/sms/code', { phone });
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ code: 10115, error: { reason: 'sms_daily_limit' } });
    expect(over.headers.get('retry-after')).toBeTruthy();
    expect(await ronglian.messages(phone)).toHaveLength(cap);
  });

  it('caps codes per client IP (SMS_IP_HOURLY_CAP) with 429 sms_ip_limit', async () => {
    const ip = newIp();
    const cap = Number(stack.env.SMS_IP_HOURLY_CAP);
    for (let i = 0; i < cap; i++)
      expect((await call('POST', '/v1/users/sms/code', { phone: newPhone() }, { ip })).status).toBe(200);
    const phone = newPhone();
    const over = await call('POST', '/v1/users/sms/code', { phone }, { ip });
    expect(over.status).toBe(429);
    expect(over.body.error.reason).toBe('sms_ip_limit');
    // The refused request did not keep the phone's cooldown: another client may ask for it at once.
    expect((await call('POST', '/v1/users/sms/code', { phone })).status).toBe(200);
  });

  it('answers 404 for an unknown request id', async () => {
    for (const id of ['0123456789abcdef0123456789abcdef', 'not-an-id']) {
      const answer = await call('GET', `/v1/users/sms/code/${id}`);
      expect(answer.status).toBe(404);
      expect(answer.body.error.reason).toBe('sms_request_not_found');
    }
  });
});

describe('verifying codes', () => {
  it('kills a code after 5 wrong attempts, even the right one is refused then', async () => {
    const phone = newPhone();
    const code = await requestCode(phone);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const answer = await call('POST', '/v1/tokens/sms', { phone, verify: wrong });
      expect(answer.body.code).toBe(10112);
    }
    const right = await call('POST', '/v1/tokens/sms', { phone, verify: code });
    expect(right.status).toBe(400);
    expect(right.body.code).toBe(10112);
    expect(await redis().exists(`sms:{+86${phone}}:code`)).toBe(0);
  });

  it('parallel wrong guesses cannot exceed the attempt limit', async () => {
    const phone = newPhone();
    const code = await requestCode(phone);
    const guesses = Array.from({ length: 30 }, (_, i) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'));
    await Promise.all(guesses.map((verify) => call('POST', '/v1/tokens/sms', { phone, verify })));
    expect((await call('POST', '/v1/tokens/sms', { phone, verify: code })).body.code).toBe(10112);
  });
});

describe('delivery faults at Ronglian', () => {
  it('retries transient failures with the same reqId: failing twice then succeeding sends exactly one SMS', async () => {
    await ronglian.faults('transient', 2);
    const phone = newPhone();
    const sent = await call('POST', '/v1/users/sms/code', { phone });
    expect(await settled(sent.body.data.request_id)).toBe('sent');
    const messages = await ronglian.messages(phone);
    expect(messages).toHaveLength(1);
    expect(messages[0].reqId).toBe(sent.body.data.request_id);
  });

  it('an accepted send whose answer is lost is not sent twice (the retry gets 160054)', async () => {
    await ronglian.faults('accept_then_hang', 1);
    const phone = newPhone();
    const sent = await call('POST', '/v1/users/sms/code', { phone });
    expect(await settled(sent.body.data.request_id)).toBe('sent');
    expect(await ronglian.messages(phone)).toHaveLength(1);
  });

  it('retries HTTP 500s', async () => {
    await ronglian.faults('http500', 1);
    const phone = newPhone();
    const sent = await call('POST', '/v1/users/sms/code', { phone });
    expect(await settled(sent.body.data.request_id)).toBe('sent');
    expect(await ronglian.messages(phone)).toHaveLength(1);
  });

  it('gives up at once on a permanent failure: status failed, and the cooldown is lifted', async () => {
    await ronglian.faults('permanent', 1);
    const phone = newPhone();
    const sent = await call('POST', '/v1/users/sms/code', { phone });
    expect(await settled(sent.body.data.request_id)).toBe('failed');
    const status = await call('GET', `/v1/users/sms/code/${sent.body.data.request_id}`);
    expect(status.body.data).toEqual({ status: 'failed', reason: 'ronglian_160040' });
    expect(await ronglian.messages(phone)).toHaveLength(0);
    expect((await call('POST', '/v1/users/sms/code', { phone })).status).toBe(200);
  });
});
