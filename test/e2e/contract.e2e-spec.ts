/**
 * The contract test: real answers of the API validated against docs/openapi.json. Every answer any e2e spec of
 * this run received is checked (test/support/client.ts records them; this spec runs last, see
 * test/support/contract-last.sequencer.mjs), and it first makes at least one call per operation itself, so every
 * operation is covered even when it runs alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import {
  answersFile,
  call,
  closeClients,
  fakeCall,
  newPhone,
  pkce,
  reauthToken,
  register,
  requestCode,
  stack,
  type RecordedAnswer,
} from '../support/client.js';

interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  servers: unknown;
  paths: Record<string, Record<string, Operation>>;
}

const committed = JSON.parse(readFileSync('docs/openapi.json', 'utf8')) as Document;

/** The operations of the document, each with a matcher for concrete paths. */
const operations = Object.entries(committed.paths).flatMap(([template, item]) =>
  Object.entries(item).map(([method, op]) => ({
    method: method.toUpperCase(),
    template,
    op,
    matches: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  })),
);

const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema(committed, 'openapi.json');
const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/** What is wrong with one answer (null when the document describes it), and the operation it belongs to. */
function check(answer: RecordedAnswer): { operationId?: string; problem: string | null } {
  const path = answer.path.split('?')[0];
  const found = operations.find((o) => o.method === answer.method && o.matches.test(path));
  if (!found) return { problem: null }; // not an operation of the document (an unknown route, /docs-json, …)
  const { operationId, responses } = found.op;
  const response = responses[String(answer.status)];
  if (!response) return { operationId, problem: `undocumented status ${answer.status}` };
  const ref = `openapi.json#/${pointer('paths', found.template, found.method.toLowerCase())}/responses/${answer.status}/content/application~1json/schema`;
  const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
  if (validate(answer.body)) return { operationId, problem: null };
  return { operationId, problem: ajv.errorsText(validate.errors) };
}

afterAll(closeClients);

describe('the served document', () => {
  it('is docs/openapi.json, with this server as its server', async () => {
    const served = (await call('GET', '/docs-json')).body as Document;
    expect(served.servers).toEqual([{ url: stack.api }]);
    expect({ ...served, servers: [] }).toEqual({ ...committed, servers: [] });
  });
});

describe('one call per operation', () => {
  const password = 'correct horse battery';
  let token: string;
  let refresh: string;
  let phone: string;

  it('covers the public routes', async () => {
    const account = await register();
    expect(account.answer.status).toBe(201);
    ({ phone } = account);
    const login = await call('POST', '/v1/tokens', { account: account.username, password });
    ({ token, refresh_token: refresh } = login.body.data);
    const sent = await call('POST', '/v1/users/sms/code', { phone: newPhone() });
    await call('GET', `/v1/users/sms/code/${sent.body.data?.request_id ?? 'unknown'}`);
    await call('GET', '/v1/users/sms/code/0123456789abcdef0123456789abcdef');
    await call('POST', '/v1/tokens/sms', { phone, verify: await requestCode(phone) });
    const refreshed = await call('POST', '/v1/tokens/refresh', { refresh_token: refresh });
    await call('POST', '/v1/tokens/refresh', { refresh_token: refresh }); // reused
    await call('POST', '/v1/tokens/revoke', { refresh_token: refreshed.body.data.refresh_token });
    await call('POST', '/v1/users/password/reset', { phone, verify: await requestCode(phone), password });
    await call('GET', '/v1/users/activation?code=not-a-code');
    const { code } = await fakeCall<{ code: string }>(stack.fakes.wechat, 'POST', '/_fake/codes', {
      openid: `contract-${Date.now()}`,
    });
    await call('POST', '/v1/users/wechat/login', { code });
    await call('POST', '/v1/users/wechat/login', { code });
    await call('GET', '/health/live');
    await call('GET', '/health/ready');
  });

  it('covers the Weibo routes', async () => {
    await call('GET', `/v1/users/weibo/authorization?code_challenge=${pkce().challenge}`);
    await call('GET', '/v1/users/weibo/users?code=x&state=forged&code_verifier=y');
    const ticket = 'A'.repeat(43);
    await call('POST', '/v1/users/weibo/bind', { account: 'nobody_here', password, bind_ticket: ticket });
    const other = newPhone();
    await call('POST', '/v1/users/weibo/users', {
      username: `w_${Date.now().toString(36)}`,
      password,
      phone: other,
      email: `w${Date.now()}@example.com`,
      verify: await requestCode(other),
      bind_ticket: ticket,
    });
  });

  it('covers the signed-in routes', async () => {
    ({ token } = (await call('POST', '/v1/tokens', { account: phone, password })).body.data);
    const opts = { token };
    await call('GET', '/v1/users/me', undefined, opts);
    await call('GET', '/v1/users/me');
    await call('GET', '/v1/users/me/events', undefined, opts);
    await call('POST', '/v1/users/me/activation', undefined, opts);
    await call('PATCH', '/v1/users/me', { nickname: '契约' }, opts);
    await call('GET', '/v1/users/me/sessions', undefined, opts);
    await call('POST', '/v1/users/me/reauth/sms', undefined, opts);
    const reauth = await reauthToken(token, password);
    await call('PUT', '/v1/users/me/email', { email: `c${Date.now()}@example.com` }, { ...opts, reauth });
    const next = newPhone();
    await call('PUT', '/v1/users/me/phone', { phone: next, verify: await requestCode(next) }, { ...opts, reauth });
    await call('DELETE', '/v1/users/me/identities/weibo', undefined, { ...opts, reauth });
    await call('DELETE', '/v1/users/me/sessions/all', undefined, opts);
    await call('PUT', '/v1/users/me/password', { old_password: password, password }, opts);
    const changed = await call(
      'PUT',
      '/v1/users/me/password',
      { old_password: password, password },
      { ...opts, reauth },
    );
    ({ token } = changed.body.data);
    await call('DELETE', '/v1/users/me', { password }, { token });
  });
});

describe('every answer of this run', () => {
  it('matches the document, and every operation answered at least once', () => {
    const answers = existsSync(answersFile())
      ? readFileSync(answersFile(), 'utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as RecordedAnswer)
      : [];
    const problems = new Set<string>();
    const covered = new Set<string>();
    for (const answer of answers) {
      const { operationId, problem } = check(answer);
      if (operationId) covered.add(operationId);
      if (problem)
        problems.add(`${operationId} ${answer.method} ${answer.path.slice(0, 80)} ${answer.status}: ${problem}`);
    }
    expect([...problems]).toEqual([]);
    expect(operations.map((o) => o.op.operationId).filter((id) => !covered.has(id))).toEqual([]);
  });
});
