import { createHash } from 'node:crypto';
import { createTransport } from 'nodemailer';
import type { RunningFake } from './http.js';
import { shanghaiStamp } from './ronglian-rules.js';
import { RONGLIAN_DEFAULTS, startRonglianFake } from './ronglian.fake.js';
import { startSmtpFake, type RunningSmtpFake } from './smtp.fake.js';
import { WECHAT_DEFAULTS, startWechatFake } from './wechat.fake.js';
import { WEIBO_DEFAULTS, startWeiboFake } from './weibo.fake.js';

type Json = Record<string, any>;

async function postJson(url: string, body: unknown): Promise<Json> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Json;
}

async function getJson(url: string): Promise<Json> {
  return (await (await fetch(url)).json()) as Json;
}

describe('Ronglian fake', () => {
  let fake: RunningFake;
  const sms = { to: '13800000000', appId: RONGLIAN_DEFAULTS.appId, templateId: '1', datas: ['123456', '5'] };

  beforeAll(async () => {
    fake = await startRonglianFake();
  });
  afterAll(() => fake.close());
  beforeEach(() => postJson(`${fake.url}/_fake/reset`, {}));

  function send(body: object, opts: { sig?: string; signal?: AbortSignal } = {}): Promise<Response> {
    const { accountSid: sid, authToken } = RONGLIAN_DEFAULTS;
    const ts = shanghaiStamp(Date.now());
    const sig =
      opts.sig ??
      createHash('md5')
        .update(sid + authToken + ts)
        .digest('hex')
        .toUpperCase();
    return fetch(`${fake.url}/2013-12-26/Accounts/${sid}/SMS/TemplateSMS?sig=${sig}`, {
      method: 'POST',
      headers: {
        authorization: Buffer.from(`${sid}:${ts}`).toString('base64'),
        'content-type': 'application/json;charset=utf-8',
      },
      body: JSON.stringify(body),
      signal: opts.signal,
    });
  }

  it('accepts a correctly signed request and records the message', async () => {
    const res = await send(sms);
    const body = (await res.json()) as Json;
    expect(res.status).toBe(200);
    expect(body.statusCode).toBe('000000');
    expect(body.templateSMS.smsMessageSid).toMatch(/^[0-9a-f]{32}$/);
    expect(body.templateSMS.dateCreated).toMatch(/^\d{14}$/);
    const { messages } = await getJson(`${fake.url}/_fake/messages?to=13800000000`);
    expect(messages).toEqual([expect.objectContaining({ to: '13800000000', datas: ['123456', '5'] })]);
  });

  it('answers a bad sig with 111109 (HTTP 200)', async () => {
    const res = await send(sms, { sig: 'DEADBEEF' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ statusCode: '111109', statusMsg: expect.any(String) });
  });

  it('answers a duplicate reqId with 160054 and records nothing new', async () => {
    const first = (await (await send({ ...sms, reqId: 'otp-1' })).json()) as Json;
    const second = (await (await send({ ...sms, reqId: 'otp-1' })).json()) as Json;
    expect([first.statusCode, second.statusCode]).toEqual(['000000', '160054']);
    expect(await getJson(`${fake.url}/_fake/stats`)).toMatchObject({ requests: 2, accepted: 1 });
  });

  it('applies a transient fault to the next send only', async () => {
    await postJson(`${fake.url}/_fake/faults`, { mode: 'transient', times: 1 });
    expect(((await (await send(sms)).json()) as Json).statusCode).toBe('160000');
    expect(((await (await send(sms)).json()) as Json).statusCode).toBe('000000');
  });

  it('accept_then_hang records the message but never answers', async () => {
    await postJson(`${fake.url}/_fake/faults`, { mode: 'accept_then_hang' });
    await expect(send({ ...sms, reqId: 'lost-1' }, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect(((await (await send({ ...sms, reqId: 'lost-1' })).json()) as Json).statusCode).toBe('160054');
    expect((await getJson(`${fake.url}/_fake/messages`)).messages).toHaveLength(1);
  });
});

describe('Weibo fake', () => {
  let fake: RunningFake;
  const cb = 'http://127.0.0.1:3000/auth/weibo/callback';
  const client = { client_id: WEIBO_DEFAULTS.clientId, client_secret: WEIBO_DEFAULTS.clientSecret };

  beforeAll(async () => {
    fake = await startWeiboFake();
  });
  afterAll(() => fake.close());

  function exchange(code: string): Promise<Response> {
    const form = new URLSearchParams({ ...client, grant_type: 'authorization_code', code, redirect_uri: cb });
    return fetch(`${fake.url}/oauth2/access_token`, { method: 'POST', body: form });
  }

  it('redirects the authorize shortcut with code and state', async () => {
    const url = `${fake.url}/oauth2/authorize?client_id=${client.client_id}&redirect_uri=${encodeURIComponent(cb)}&state=s1&uid=1000000002`;
    const res = await fetch(url, { redirect: 'manual' });
    const location = new URL(res.headers.get('location') ?? '');
    expect(res.status).toBe(302);
    expect(location.searchParams.get('state')).toBe('s1');
    expect((await exchange(location.searchParams.get('code') ?? '')).status).toBe(200);
  });

  it('makes codes single use and serves token info, users/show and revoke', async () => {
    const { code } = await postJson(`${fake.url}/_fake/codes`, { uid: '1000000001', redirect_uri: cb });
    const first = await exchange(code);
    const token = (await first.json()) as Json;
    expect(token).toMatchObject({ uid: '1000000001', expires_in: 157679999, remind_in: '157679999' });
    const second = await exchange(code);
    expect(second.status).toBe(400);
    expect(await second.json()).toEqual({
      error: 'invalid_grant',
      error_code: 21325,
      request: '/oauth2/access_token',
      error_uri: '/oauth2/access_token',
      error_description: `invalid authorization code:${code}`,
    });
    const info = (await (
      await fetch(`${fake.url}/oauth2/get_token_info?access_token=${token.access_token}`, { method: 'POST' })
    ).json()) as Json;
    expect(info).toMatchObject({ uid: 1000000001, appkey: 3456789012, scope: null });
    const show = await fetch(`${fake.url}/2/users/show.json?uid=1000000001`, {
      headers: { authorization: `OAuth2 ${token.access_token}` },
    });
    expect(await show.json()).toMatchObject({ idstr: '1000000001', screen_name: '微博测试甲' });
    expect(await getJson(`${fake.url}/oauth2/revokeoauth2?access_token=${token.access_token}`)).toEqual({
      result: 'true',
    });
    const after = await fetch(`${fake.url}/2/users/show.json?uid=1&access_token=${token.access_token}`);
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual({
      error: 'invalid_access_token',
      error_code: 21332,
      request: '/2/users/show.json',
    });
  });
});

describe('WeChat fake', () => {
  let fake: RunningFake;
  beforeAll(async () => {
    fake = await startWechatFake();
  });
  afterAll(() => fake.close());

  it('exchanges a code once, then answers 40163 with HTTP 200', async () => {
    const { code, openid } = await postJson(`${fake.url}/_fake/codes`, { unionid: 'union-1' });
    const { appid, secret } = WECHAT_DEFAULTS;
    const url = `${fake.url}/sns/jscode2session?appid=${appid}&secret=${secret}&js_code=${code}&grant_type=authorization_code`;
    const first = await fetch(url);
    expect(first.headers.get('content-type')).toContain('text/plain');
    const body = JSON.parse(await first.text()) as Json;
    expect(body).toEqual({ openid, unionid: 'union-1', session_key: expect.stringMatching(/^[A-Za-z0-9+/]{22}==$/) });
    expect(openid).toMatch(/^o.{27}$/);
    const second = await fetch(url);
    expect(second.status).toBe(200);
    expect(JSON.parse(await second.text())).toEqual({
      errcode: 40163,
      errmsg: expect.stringMatching(/^code been used, rid: /),
    });
  });
});

describe('SMTP fake', () => {
  let fake: RunningSmtpFake;
  beforeAll(async () => {
    fake = await startSmtpFake();
  });
  afterAll(() => fake.close());

  const mail = {
    from: 'noreply@example.com',
    to: 'User@Example.com',
    subject: '验证码',
    text: 'code 123456',
    html: '<b>123456</b>',
  };

  it('keeps sent mail and shows it over HTTP', async () => {
    await createTransport(fake.smtpUrl).sendMail(mail);
    const { mails } = await getJson(`${fake.url}/_fake/mails?to=user@example.com`);
    expect(mails).toEqual([
      expect.objectContaining({
        to: [expect.stringMatching(/^user@example\.com$/i)],
        subject: '验证码',
        html: '<b>123456</b>',
      }),
    ]);
    expect(mails[0].text.trim()).toBe('code 123456');
  });

  it('answers 451 for queued tempfails', async () => {
    await postJson(`${fake.url}/_fake/faults`, { mode: 'tempfail', times: 1 });
    await expect(createTransport(fake.smtpUrl).sendMail(mail)).rejects.toMatchObject({ responseCode: 451 });
  });
});
