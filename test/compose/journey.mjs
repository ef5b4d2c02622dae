#!/usr/bin/env node
// The account journey against the composed stack, from outside it: only the published ports of the API and
// the fakes (their /_fake control routes, as test/support does). Then a queue check: with SMS sends slowed
// down, one worker container is stopped mid-queue and every SMS must still reach the fake Ronglian once.
// Weibo logins carry a PKCE-style verifier (RFC 7636, S256); linking Weibo to a signed-in account needs a
// step-up proof, X-Reauth-Token (docs/security.md, "Step-up re-authentication").
//
//   API_URL=http://127.0.0.1:3000 FAKES_HOST=127.0.0.1 WORKER_CONTAINERS="<id> <id>" node test/compose/journey.mjs
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomInt } from 'node:crypto';

const api = process.env.API_URL ?? 'http://127.0.0.1:3000';
const fakesHost = process.env.FAKES_HOST ?? '127.0.0.1';
const fake = {
  ronglian: `http://${fakesHost}:${process.env.FAKES_RONGLIAN_PORT ?? 4010}`,
  weibo: `http://${fakesHost}:${process.env.FAKES_WEIBO_PORT ?? 4020}`,
  wechat: `http://${fakesHost}:${process.env.FAKES_WECHAT_PORT ?? 4030}`,
  mail: `http://${fakesHost}:${process.env.FAKES_MAIL_PORT ?? 4026}`,
};
const workers = (process.env.WORKER_CONTAINERS ?? '').split(/\s+/).filter(Boolean);
const QUEUED_SMS = 24;
// RONGLIAN_TEMPLATE_ID in test/compose/fakes.env: verification codes (notices use another template).
const CODE_TEMPLATE = '1';

const newPhone = () => `1${randomInt(3, 10)}${String(randomInt(0, 1e9)).padStart(9, '0')}`;
const newIp = () => `10.${randomInt(0, 255)}.${randomInt(0, 255)}.${randomInt(1, 254)}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function check(ok, what, detail) {
  if (!ok) throw new Error(`${what}${detail === undefined ? '' : `: ${JSON.stringify(detail)}`}`);
}

async function http(base, method, path, body, headers = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'manual',
    signal: AbortSignal.timeout(15000),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, body: json, headers: response.headers };
}

/** A client of the API from a random address (TRUST_PROXY=1: the API reads X-Forwarded-For). */
const call = (method, path, body, { token, reauth } = {}) =>
  http(api, method, path, body, {
    'x-forwarded-for': newIp(),
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(reauth ? { 'x-reauth-token': reauth } : {}),
  });

/** RFC 7636: a random verifier the browser keeps, and its S256 challenge sent when the login starts. */
function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function until(probe, what, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

const messagesTo = async (phone) =>
  (await http(fake.ronglian, 'GET', `/_fake/messages?to=${phone}`)).body.messages.filter(
    (m) => m.templateId === CODE_TEMPLATE,
  );

async function smsCode(phone) {
  const sent = await call('POST', '/v1/users/sms/code', { phone });
  check(sent.status === 200, 'POST /v1/users/sms/code', sent.body);
  const [message] = await until(
    async () => (await messagesTo(phone)).length > 0 && messagesTo(phone),
    `the SMS to ${phone}`,
  );
  return message.datas[0];
}

async function step(name, fn) {
  const started = Date.now();
  const result = await fn();
  console.log(`ok   ${name} (${Date.now() - started} ms)`);
  return result;
}

async function journey() {
  const phone = newPhone();
  const username = `c_${randomInt(0, 36 ** 6).toString(36)}`;
  const email = `${username}@example.com`;
  const password = 'compose journey password';

  await step('the SPA and the OpenAPI document are served', async () => {
    const page = await http(api, 'GET', '/');
    check(page.status === 200 && String(page.body).includes('<html'), 'GET / (web/dist)', page.status);
    check((await http(api, 'GET', '/docs-json')).status === 200, 'GET /docs-json');
  });
  const registered = await step(
    'SMS register: code through queue, worker and fake Ronglian; account created',
    async () => {
      const verify = await smsCode(phone);
      const answer = await call('POST', '/v1/users', { username, password, phone, email, verify });
      check(answer.status === 201, 'POST /v1/users', answer.body);
      return answer.body.data;
    },
  );
  await step('the worker sends the activation mail through the SMTP sink', () =>
    until(
      async () => (await http(fake.mail, 'GET', `/_fake/mails?to=${email}`)).body.mails?.length > 0,
      'the activation mail',
    ),
  );
  const login = await step('login with the password', async () => {
    const answer = await call('POST', '/v1/tokens', { account: username, password });
    check(answer.status === 200 && answer.body.data.username === username, 'POST /v1/tokens', answer.body);
    return answer.body.data;
  });
  const refreshed = await step('refresh rotates the token; the new access token reads the profile', async () => {
    const answer = await call('POST', '/v1/tokens/refresh', { refresh_token: login.refresh_token });
    check(
      answer.status === 200 && answer.body.data.refresh_token !== login.refresh_token,
      'POST /v1/tokens/refresh',
      answer.body,
    );
    const me = await call('GET', '/v1/users/me', undefined, { token: answer.body.data.token });
    check(me.status === 200 && me.body.data.phone === `+86${phone}`, 'GET /v1/users/me', me.body);
    check(registered.refresh_token !== answer.body.data.refresh_token, 'distinct sessions');
    return answer.body.data.token;
  });
  await step('Weibo: first login gives a bind ticket, binding the account signs it in next time', async () => {
    const uid = newWeiboUid();
    const first = await weiboCallback(uid);
    check(first.body.code === 201 && first.body.data.bind_ticket, 'first Weibo callback', first.body);
    const bind = await call('POST', '/v1/users/weibo/bind', {
      bind_ticket: first.body.data.bind_ticket,
      account: username,
      password,
    });
    check(bind.status === 200 && bind.body.data.username === username, 'POST /v1/users/weibo/bind', bind.body);
    const again = await weiboCallback(uid);
    check(again.body.code === 200 && again.body.data.username === username, 'second Weibo callback', again.body);
  });
  await step('Weibo link: refused without a fresh proof; after reauth, unlink and link another Weibo', async () => {
    const token = refreshed;
    const { challenge } = pkce();
    const bare = await call('GET', `/v1/users/weibo/authorization?code_challenge=${challenge}`, undefined, { token });
    check(
      bare.status === 403 && bare.body.error?.reason === 'reauth_required',
      'linking without X-Reauth-Token',
      bare.body,
    );
    const proof = await call('POST', '/v1/users/me/reauth', { password }, { token });
    check(proof.status === 200 && proof.body.data.reauth_token, 'POST /v1/users/me/reauth', proof.body);
    const auth = { token, reauth: proof.body.data.reauth_token };
    const unlinked = await call('DELETE', '/v1/users/me/identities/weibo', undefined, auth);
    check(unlinked.status === 200, 'DELETE /v1/users/me/identities/weibo', unlinked.body);
    const uid = newWeiboUid();
    const linked = await weiboCallback(uid, auth);
    check(linked.status === 200 && linked.body.data.username === username, 'the linking Weibo callback', linked.body);
    const me = await call('GET', '/v1/users/me', undefined, { token });
    const identities = me.body.data?.identities ?? [];
    check(identities.length === 1 && identities[0].uid === uid, 'the linked Weibo on GET /v1/users/me', identities);
  });
  await step('WeChat mini-program login creates an account', async () => {
    const { body } = await http(fake.wechat, 'POST', '/_fake/codes', {});
    const answer = await call('POST', '/v1/users/wechat/login', { code: body.code });
    check(
      answer.status === 200 && answer.body.data.is_new === true && answer.body.data.token,
      'POST /v1/users/wechat/login',
      answer.body,
    );
  });
}

const newWeiboUid = () => String(randomInt(2_000_000_000, 2_900_000_000));

/**
 * What the SPA does: start with a PKCE challenge (signed in and with a reauth token when linking), let the fake
 * user consent, hand the callback query and the verifier to the API.
 */
async function weiboCallback(uid, auth = {}) {
  const { verifier, challenge } = pkce();
  const authorization = await call('GET', `/v1/users/weibo/authorization?code_challenge=${challenge}`, undefined, auth);
  check(authorization.status === 200, 'GET /v1/users/weibo/authorization', authorization.body);
  const url = new URL(authorization.body.data.oauth_url);
  url.searchParams.set('uid', uid);
  const consent = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(15000) });
  const query = new URL(consent.headers.get('location') ?? '').searchParams;
  query.set('code_verifier', verifier);
  return call('GET', `/v1/users/weibo/users?${query}`, undefined, { token: auth.token });
}

async function queueSurvivesWorkerStop() {
  check(workers.length >= 2, 'WORKER_CONTAINERS must name at least two worker containers', workers);
  await http(fake.ronglian, 'POST', '/_fake/faults', { mode: 'slow', times: QUEUED_SMS, delayMs: 500 });
  const before = (await http(fake.ronglian, 'GET', '/_fake/stats')).body.accepted;
  const phones = Array.from({ length: QUEUED_SMS }, newPhone);
  const ids = [];
  for (const phone of phones) {
    const sent = await call('POST', '/v1/users/sms/code', { phone });
    check(sent.status === 200, 'POST /v1/users/sms/code', sent.body);
    ids.push(sent.body.data.request_id);
  }
  const accepted = async () => (await http(fake.ronglian, 'GET', '/_fake/stats')).body.accepted - before;
  await until(async () => (await accepted()) >= 2, 'the first slow sends');
  const stoppedAt = await accepted();
  check(stoppedAt < QUEUED_SMS, 'the queue drained before a worker could be stopped', stoppedAt);
  execFileSync('docker', ['stop', '--time', '60', workers[0]], { stdio: 'ignore' });
  const afterStop = await accepted();
  console.log(
    `     stopped worker ${workers[0].slice(0, 12)} with ${QUEUED_SMS - stoppedAt} of ${QUEUED_SMS} SMS not yet sent`,
  );
  await until(async () => (await accepted()) >= QUEUED_SMS, `${QUEUED_SMS} SMS at the fake Ronglian`, 60000);
  await sleep(1000); // a late duplicate would show up now
  const counts = await Promise.all(phones.map(async (p) => (await messagesTo(p)).length));
  check(
    counts.every((n) => n === 1),
    'every queued SMS reached Ronglian exactly once',
    counts,
  );
  check((await accepted()) === QUEUED_SMS, 'no extra sends', await accepted());
  for (const id of ids) {
    const status = await until(async () => {
      const s = await call('GET', `/v1/users/sms/code/${id}`);
      return s.body.data?.status === 'sent' && s;
    }, `status sent for ${id}`);
    check(status.status === 200, 'GET /v1/users/sms/code/:id');
  }
  console.log(
    `ok   a worker stopped mid-queue (after ${afterStop} sends): all ${QUEUED_SMS} SMS delivered once, all reported sent`,
  );
}

try {
  await journey();
  if (workers.length) await queueSurvivesWorkerStop();
  console.log('compose journey: all checks passed');
} catch (err) {
  console.error(`FAIL ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
