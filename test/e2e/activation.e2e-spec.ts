/** Email activation through the mail queue, the worker and the fake SMTP sink. */
import { createHash } from 'node:crypto';
import { call, closeClients, fakeCall, redis, redisKeys, register, stack, sql, until } from '../support/client.js';

interface SinkMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
}

const sink = {
  mails: async (to: string) =>
    (await fakeCall<{ mails: SinkMail[] }>(stack.fakes.smtpHttp, 'GET', `/_fake/mails?to=${encodeURIComponent(to)}`))
      .mails,
  up: (up: boolean) => fakeCall(stack.fakes.smtpHttp, 'POST', '/_fake/smtp', { up }),
  tempfail: (times: number) => fakeCall(stack.fakes.smtpHttp, 'POST', '/_fake/faults', { mode: 'tempfail', times }),
  stats: () => fakeCall<{ received: number; tempfailed: number }>(stack.fakes.smtpHttp, 'GET', '/_fake/stats'),
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `to` has received `count` mails, and returns them. */
const mailsTo = (to: string, count = 1, timeoutMs = 10000) =>
  until(
    async () => {
      const mails = await sink.mails(to);
      return mails.length >= count && mails;
    },
    `${count} mail(s) to ${to}`,
    timeoutMs,
  );

/** The code of the activation link in a mail, as the SPA page would read it from its query string. */
function codeOf(mail: SinkMail): string {
  const link = new URL(/https?:\/\/\S+/.exec(mail.text)![0]);
  expect(`${link.origin}${link.pathname}`).toBe(stack.env.ACTIVATION_URL);
  return link.searchParams.get('code')!;
}

const activate = (code: string) => call('GET', `/v1/users/activation?code=${encodeURIComponent(code)}`);

/** Resends, waiting out a cooldown still running from the registration mail. */
async function resend(token: string) {
  let answer = await call('POST', '/v1/users/me/activation', undefined, { token });
  if (answer.status === 429) {
    await sleep(Number(answer.headers.get('retry-after')) * 1000 + 50);
    answer = await call('POST', '/v1/users/me/activation', undefined, { token });
  }
  return answer;
}

afterAll(async () => {
  await sink.up(true);
  await closeClients();
});

describe('activation journey', () => {
  let user: Awaited<ReturnType<typeof register>>;
  let code = '';

  it('queues a bilingual activation mail, HTML and text, when a user registers with an email', async () => {
    user = await register();
    expect(user.answer.status).toBe(201);
    const [mail] = await mailsTo(user.email);
    expect(mail.subject).toMatch(/激活.*Activate your email/);
    expect(mail.text).toContain(`${user.username}，您好`);
    expect(mail.text).toMatch(/Hello .* within 3 days to activate your email address/);
    code = codeOf(mail);
    expect(code).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(mail.html).toContain(`href="${stack.env.ACTIVATION_URL}?code=${code}"`);
    expect(mail.from).toContain('no-reply@');
  });

  it('keeps the code in Redis only as its SHA-256, for 3 days', async () => {
    const raw = Buffer.from(code, 'base64url');
    const [{ id }] = await sql('SELECT id FROM users WHERE username = $1', [user.username]);
    const key = `activation:{${id}}:code`;
    expect(await redis().ttl(key)).toBeGreaterThan(3 * 86400 - 60);
    expect(await redis().hget(key, 'h')).toBe(createHash('sha256').update(raw.subarray(16)).digest('hex'));
    for (const k of await redisKeys('activation:*')) {
      expect(k).not.toContain(code);
      if ((await redis().type(k)) === 'string') expect(await redis().get(k)).not.toContain(code);
    }
  });

  it('leaves the email unverified until then', async () => {
    const me = await call('GET', '/v1/users/me', undefined, { token: user.answer.body.data.token });
    expect(me.body.data.email_verified).toBe(false);
  });

  it('verifies the email with the code from the link', async () => {
    const answer = await activate(code);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ code: 200, data: { username: user.username, email_verified: true } });
    const [row] = await sql('SELECT email_verified FROM users WHERE username = $1', [user.username]);
    expect(row.email_verified).toBe(true);
    const me = await call('GET', '/v1/users/me', undefined, { token: user.answer.body.data.token });
    expect(me.body.data.email_verified).toBe(true);
  });

  it('refuses the same code a second time', async () => {
    const again = await activate(code);
    expect(again.status).toBe(400);
    expect(again.body).toEqual({
      code: 10142,
      error: { reason: 'activation_code_invalid', message: expect.any(String) },
    });
  });

  it('refuses to resend once the email is verified', async () => {
    const answer = await resend(user.answer.body.data.token);
    expect(answer.status).toBe(409);
    expect(answer.body.error.reason).toBe('email_already_verified');
  });
});

describe('resending the activation mail', () => {
  it('sends a new code, rate-limits resends, and the previous code stops working', async () => {
    const user = await register();
    const token = user.answer.body.data.token;
    const first = codeOf((await mailsTo(user.email))[0]);

    const answer = await resend(token);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ code: 200, data: {} });
    const tooSoon = await call('POST', '/v1/users/me/activation', undefined, { token });
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body.error.reason).toBe('activation_resend_too_frequent');
    expect(Number(tooSoon.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    const mails = await mailsTo(user.email, 2);
    const second = codeOf(mails[1]);
    expect(second).not.toBe(first);
    expect((await activate(first)).status).toBe(400);
    expect((await activate(second)).status).toBe(200);
  });

  it('needs a signed-in user', async () => {
    expect((await call('POST', '/v1/users/me/activation')).status).toBe(401);
  });

  it('answers 400 for an account without an email (a WeChat account)', async () => {
    const { code } = await fakeCall<{ code: string }>(stack.fakes.wechat, 'POST', '/_fake/codes', {});
    const login = await call('POST', '/v1/users/wechat/login', { code });
    const answer = await call('POST', '/v1/users/me/activation', undefined, { token: login.body.data.token });
    expect(answer.status).toBe(400);
    expect(answer.body.error.reason).toBe('email_missing');
  });
});

describe('activation codes that are not valid', () => {
  it.each([
    ['missing', '/v1/users/activation'],
    ['malformed', '/v1/users/activation?code=abc'],
    ['unknown', `/v1/users/activation?code=${'A'.repeat(43)}`],
    ['given twice', `/v1/users/activation?code=${'A'.repeat(43)}&code=${'B'.repeat(43)}`],
  ])('answers 400 for a %s code', async (_what, path) => {
    const answer = await call('GET', path);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(10142);
  });
});

describe('mail delivery through SMTP failures', () => {
  it('delivers the mail exactly once after the SMTP server was down', async () => {
    await sink.up(false);
    let user: Awaited<ReturnType<typeof register>>;
    try {
      user = await register();
      expect(user.answer.status).toBe(201);
      await sleep(800);
      expect(await sink.mails(user.email)).toHaveLength(0);
    } finally {
      await sink.up(true);
    }
    const [mail] = await mailsTo(user.email, 1, 15000);
    await sleep(1500); // a duplicate would have arrived by now
    expect(await sink.mails(user.email)).toHaveLength(1);
    expect((await activate(codeOf(mail))).status).toBe(200);
  });

  it('retries a mail the server deferred with a 4xx reply, and delivers it once', async () => {
    const before = await sink.stats();
    await sink.tempfail(2);
    const user = await register();
    await mailsTo(user.email, 1, 15000);
    expect((await sink.stats()).tempfailed).toBe(before.tempfailed + 2);
    await sleep(500);
    expect(await sink.mails(user.email)).toHaveLength(1);
  });
});
