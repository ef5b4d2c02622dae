/**
 * The SMS journey and the delivery faults against each provider's fake, each through its own API + worker
 * started with that SMS_DRIVER. What differs is only the "answer lost" case: Ronglian de-duplicates its
 * `reqId` (sent, one SMS); Alibaba replays the identical signed request once and gets `SignatureNonceUsed`
 * (unknown, one SMS); Tencent never resends (unknown, one SMS).
 */
import { queueKeyPrefix, SMS_QUEUE } from '../../src/infra/queues.js';
import { closeClients, newPhone, newUsername, redis, sql, stack } from '../support/client.js';
import { codeFor, DRIVERS, settled, startDriverStack, type Driver, type DriverStack } from './sms-providers.support.js';

afterAll(closeClients);

const PERMANENT_REASON: Record<Driver, string> = {
  ronglian: 'ronglian_160040',
  aliyun: 'aliyun_isv.BUSINESS_LIMIT_CONTROL',
  tencent: 'tencent_LimitExceeded.PhoneNumberDailyLimit',
};

/** What the status route says after the provider took the SMS and the answer was lost. */
const LOST_ANSWER: Record<Driver, string> = { ronglian: 'sent', aliyun: 'unknown', tencent: 'unknown' };
/** ... and after the provider never answered and sent nothing. */
const NO_ANSWER: Record<Driver, { status: string; messages: number }> = {
  ronglian: { status: 'sent', messages: 1 }, // the retry carries the same reqId
  aliyun: { status: 'sent', messages: 1 }, // the identical replay is the first to arrive
  tencent: { status: 'unknown', messages: 0 }, // nothing tells a lost request from a lost answer
};

describe.each(DRIVERS)('SMS through %s', (driver) => {
  let target: DriverStack;
  const send = async (phone: string) =>
    (await target.call('POST', '/v1/users/sms/code', { phone })).body.data.request_id as string;

  beforeAll(async () => {
    target = await startDriverStack(driver);
  }, 90000);
  afterAll(() => target?.stop());
  afterEach(() => target.reset());

  it('journey: code → register → SMS login → password reset, each code delivered once with our request id', async () => {
    if (!stack.databaseUrl) return; // a second API cannot share the embedded database
    const phone = newPhone();
    const username = newUsername();
    const first = await codeFor(target, phone);
    expect(first.code).toMatch(/^\d{6}$/);
    const delivered = await target.messages(phone);
    expect(delivered).toHaveLength(1);
    expect(delivered[0].ref).toBe(first.requestId);
    expect(await settled(target, first.requestId)).toEqual({ status: 'sent' });

    const password = 'Quiet-Harbour-Lantern-91';
    const registered = await target.call('POST', '/v1/users', {
      username,
      password,
      phone,
      email: `${username}@example.com`,
      verify: first.code,
    });
    expect(registered.status).toBe(201);
    expect(await sql('SELECT phone FROM users WHERE username = $1', [username])).toEqual([{ phone: `+86${phone}` }]);

    const login = await codeFor(target, phone);
    const signedIn = await target.call('POST', '/v1/tokens/sms', { phone, verify: login.code });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.data.username).toBe(username);

    const reset = await codeFor(target, phone);
    const newPassword = 'Amber-Kettle-Orbit-2207';
    const answer = await target.call('POST', '/v1/users/password/reset', {
      phone,
      verify: reset.code,
      password: newPassword,
    });
    expect(answer.status).toBe(200);
    expect((await target.call('POST', '/v1/tokens', { account: username, password: newPassword })).status).toBe(200);
    // Each code once; the reset also sends the owner a notice where the driver has a notice template.
    const codes = (await target.messages(phone)).filter((m) => m.code).map((m) => m.code);
    expect(codes.filter((c) => /^\d{6}$/.test(c))).toEqual([first.code, login.code, reset.code]);
  });

  it('a transient refusal twice, then OK: exactly one SMS, status sent', async () => {
    await target.fault('transient', 2);
    const phone = newPhone();
    const requestId = await send(phone);
    expect(await settled(target, requestId)).toEqual({ status: 'sent' });
    expect(await target.messages(phone)).toHaveLength(1);
  });

  it('a permanent refusal: status failed with the provider code, no SMS, the cooldown lifted', async () => {
    await target.fault('permanent', 1);
    const phone = newPhone();
    const requestId = await send(phone);
    expect(await settled(target, requestId)).toEqual({ status: 'failed', reason: PERMANENT_REASON[driver] });
    expect(await target.messages(phone)).toHaveLength(0);
    expect(await redis().exists(`sms:cooldown:+86${phone}`)).toBe(0);
    const again = await target.call('POST', '/v1/users/sms/code', { phone });
    expect(again.status).toBe(200);
    expect(await settled(target, again.body.data.request_id)).toEqual({ status: 'sent' }); // before the next fault
  });

  it(`the answer is lost after delivery: exactly one SMS, status ${LOST_ANSWER[driver]}, never two`, async () => {
    await target.fault('accept_then_hang', 1);
    const phone = newPhone();
    const requestId = await send(phone);
    const status = await settled(target, requestId);
    expect(status.status).toBe(LOST_ANSWER[driver]);
    expect(await target.messages(phone)).toHaveLength(1);
    if (status.status === 'unknown') {
      // Never re-sent, and the user may ask again only when the cooldown ends.
      expect(await redis().exists(`sms:cooldown:+86${phone}`)).toBe(1);
      expect((await target.call('POST', '/v1/users/sms/code', { phone })).body.code).toBe(10111);
    }
    await new Promise((r) => setTimeout(r, 1000)); // no late second copy from a retry
    expect(await target.messages(phone)).toHaveLength(1);
  });

  it(`an HTTP 500 page after delivery: status ${LOST_ANSWER[driver]}, still exactly one SMS`, async () => {
    await target.fault('http500', 1, { accept: true });
    const phone = newPhone();
    const requestId = await send(phone);
    expect((await settled(target, requestId)).status).toBe(LOST_ANSWER[driver]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await target.messages(phone)).toHaveLength(1);
  });

  it(`no answer and nothing delivered: status ${NO_ANSWER[driver].status}, ${NO_ANSWER[driver].messages} SMS`, async () => {
    await target.fault('hang', 1);
    const phone = newPhone();
    const requestId = await send(phone);
    expect((await settled(target, requestId)).status).toBe(NO_ANSWER[driver].status);
    expect(await target.messages(phone)).toHaveLength(NO_ANSWER[driver].messages);
  });

  it('the queued job carries the code sealed: the Bull hash in Redis never shows it', async () => {
    await target.fault('slow', 1, { delayMs: 300 });
    const phone = newPhone();
    const requestId = await send(phone);
    const key = `${queueKeyPrefix(target.queuePrefix, SMS_QUEUE)}:${SMS_QUEUE}:${requestId}`;
    let raw = '';
    for (let i = 0; i < 100 && !raw; i++) raw = (await redis().hget(key, 'data')) ?? '';
    expect(raw).not.toBe('');
    const job = JSON.parse(raw);
    expect(job).toEqual({
      kind: 'code',
      requestId,
      phone: `+86${phone}`,
      sealedCode: expect.stringMatching(/^v\d+\./),
      ttlMinutes: 3,
    });
    await settled(target, requestId);
    const [message] = await target.messages(phone);
    expect(raw).not.toContain(message.code);
  });
});
