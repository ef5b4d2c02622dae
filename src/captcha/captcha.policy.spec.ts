import { Redis } from 'ioredis';
import { renderError } from '../common/error-envelope.js';
import { AppError } from '../common/errors/index.js';
import { loadConfig } from '../config/config.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import type { CaptchaVerifier } from './captcha-verifier.js';
import { CaptchaPolicy } from './captcha.policy.js';

// Real Redis (logical database 14): the thresholds are counters there.
const redis = new Redis('redis://127.0.0.1:6379/14');
afterAll(() => redis.quit());

/** A verifier that accepts the payload 'solved' and hands out numbered challenges. */
class FakeVerifier implements CaptchaVerifier {
  issued = 0;
  verified: string[] = [];
  async challenge() {
    return { parameters: { n: ++this.issued }, signature: 'sig' };
  }
  async verify(payload: string) {
    this.verified.push(payload);
    return payload === 'solved';
  }
}

const unique = () => `${Math.floor(Math.random() * 1e9)}`;
const phone = () => `+86138${unique().padStart(8, '0').slice(0, 8)}`;
const ip = () => `198.51.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

function policy(env: Record<string, string>) {
  const verifier = new FakeVerifier();
  return { verifier, policy: new CaptchaPolicy(loadConfig(env), new RateLimiter(redis), verifier) };
}

const refusal = (promise: Promise<void>) =>
  promise.then(
    () => null,
    (err: unknown) => err as AppError,
  );

describe('CaptchaPolicy', () => {
  it('off: never asks', async () => {
    const { policy: p, verifier } = policy({ CAPTCHA_MODE: 'off' });
    const [who, where] = [phone(), ip()];
    for (let i = 0; i < 10; i++) await p.guard(who, where);
    expect(verifier.issued).toBe(0);
  });

  it('always: asks every time and accepts a verified captcha', async () => {
    const { policy: p, verifier } = policy({ CAPTCHA_MODE: 'always' });
    const err = await refusal(p.guard(phone(), ip()));
    expect(err).toMatchObject({ status: 428, code: 10133, reason: 'captcha_required' });
    await expect(p.guard(phone(), ip(), 'solved')).resolves.toBeUndefined();
    expect(verifier.verified).toEqual(['solved']);
  });

  it('adaptive: the 4th request from one IP bucket in an hour needs a captcha, from any phone', async () => {
    const { policy: p } = policy({});
    const where = ip();
    for (let i = 0; i < 3; i++) await p.guard(phone(), where);
    expect(await refusal(p.guard(phone(), where))).toMatchObject({ reason: 'captcha_required' });
    await expect(p.guard(phone(), where, 'solved')).resolves.toBeUndefined();
    await expect(p.guard(phone(), ip())).resolves.toBeUndefined();
  });

  it('adaptive: an IPv6 client rotating addresses inside its /64 is one bucket', async () => {
    const { policy: p } = policy({});
    const net = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:1`;
    for (let i = 1; i <= 3; i++) await p.guard(phone(), `${net}::${i}`);
    expect(await refusal(p.guard(phone(), `${net}::99`))).toMatchObject({ reason: 'captcha_required' });
  });

  it('adaptive: the 3rd request for one phone in a day needs a captcha, from any IP', async () => {
    const { policy: p } = policy({});
    const who = phone();
    await p.guard(who, ip());
    await p.guard(who, ip());
    expect(await refusal(p.guard(who, ip()))).toMatchObject({ reason: 'captcha_required' });
    expect(await redis.ttl(`limit:captcha:phone:${who}`)).toBeGreaterThan(86_000);
  });

  it('a wrong or reused captcha is 428 again with a fresh challenge in the envelope', async () => {
    const { policy: p } = policy({ CAPTCHA_MODE: 'always' });
    const first = await refusal(p.guard(phone(), ip(), 'wrong'));
    const second = await refusal(p.guard(phone(), ip(), 'wrong'));
    const rendered = renderError(second, 'en');
    expect(rendered.status).toBe(428);
    expect(rendered.body).toEqual({
      code: 10133,
      error: {
        reason: 'captcha_required',
        message: expect.any(String),
        challenge: { parameters: { n: 2 }, signature: 'sig' },
      },
    });
    expect(first!.extra.challenge).not.toEqual(second!.extra.challenge);
  });
});

describe('captcha settings', () => {
  const prod = {
    NODE_ENV: 'production',
    JWT_SECRET: 'j'.repeat(40),
    SMS_CODE_SECRET: 's'.repeat(40),
  };
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return '';
    } catch (err) {
      return (err as { problems: string[] }).problems.join('\n');
    }
  };

  it('defaults to adaptive after 3 per IP bucket and 2 per phone', () => {
    expect(loadConfig({}).captcha).toMatchObject({ mode: 'adaptive', afterPerIp: 3, afterPerPhone: 2, cost: 1000 });
  });

  it.each([
    ['missing', undefined],
    ['a placeholder', 'changeme'],
    ['short', 'x'.repeat(20)],
    ['JWT_SECRET reused', 'j'.repeat(40)],
    ['SMS_CODE_SECRET reused', 's'.repeat(40)],
  ])('refuses CAPTCHA_SECRET %s in production', (_what, value) => {
    const env: Record<string, string> = { ...prod };
    if (value !== undefined) env.CAPTCHA_SECRET = value;
    expect(problems(env)).toContain('CAPTCHA_SECRET');
  });

  it('accepts its own strong secret in production', () => {
    expect(problems({ ...prod, CAPTCHA_SECRET: 'Zc4Vb8Nm1Qw5Er9Ty3Ui7Op2As6Df0GhJkLxCvBn' })).not.toContain(
      'CAPTCHA_SECRET',
    );
  });
});
