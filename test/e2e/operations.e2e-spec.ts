/**
 * Operations: metrics, dashboard, headers, logs without secrets, limits shared by two API processes and two
 * workers, and graceful shutdown. Runs its own API and worker processes on a private queue prefix, so the
 * main stack's worker never takes these jobs.
 */
import type { ChildProcess } from 'node:child_process';
import { call, closeClients, newIp, newPhone, pkce, ronglian, stack, until } from '../support/client.js';
import { freePort, startProcess, stopProcess, waitReady } from '../support/stack.js';

const env = {
  ...stack.env,
  QUEUE_PREFIX: `${stack.env.QUEUE_PREFIX}ops`,
  SMS_RETRY_DELAY_MS: '200',
  SMS_WORKER_CONCURRENCY: '4',
};
const apis: string[] = [];
const procs: ChildProcess[] = [];
const logLines: string[] = [];

async function startApi(extra: Record<string, string> = {}): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = startProcess('dist/bundle/main.js', { ...env, ...extra, PORT: String(port) }, `api:${port}`);
  procs.push(proc);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/health/ready`, proc);
  return { url, proc };
}

function startWorker(): ChildProcess {
  const proc = startProcess('dist/bundle/worker.js', env, 'worker:ops');
  procs.push(proc);
  return proc;
}

const send = (api: string, phone: string) =>
  fetch(`${api}/v1/users/sms/code`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': newIp() },
    body: JSON.stringify({ phone }),
  });
const statusOf = async (api: string, id: string) =>
  ((await (await fetch(`${api}/v1/users/sms/code/${id}`)).json()) as any).data?.status;

let workerA: ChildProcess;
let apiB: { url: string; proc: ChildProcess };

beforeAll(async () => {
  const a = await startApi({ LOG_LEVEL: 'debug' });
  a.proc.stdout!.on('data', (chunk: Buffer) => logLines.push(...chunk.toString().split('\n').filter(Boolean)));
  apiB = await startApi();
  apis.push(a.url, apiB.url);
  workerA = startWorker();
  startWorker();
}, 60000);

afterAll(async () => {
  await Promise.all(procs.map((p) => stopProcess(p)));
  await closeClients();
});
afterEach(() => ronglian.reset());

describe('two API processes and two workers on one PostgreSQL and Redis', () => {
  it('share the per-phone cooldown', async () => {
    const phone = newPhone();
    expect((await send(apis[0], phone)).status).toBe(200);
    const second = await send(apis[1], phone);
    expect(second.status).toBe(429);
    expect(((await second.json()) as any).code).toBe(10111);
  });

  it('send exactly one SMS for 20 concurrent requests spread over both', async () => {
    const phone = newPhone();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => send(apis[i % 2], phone)));
    const ok = answers.filter((a) => a.status === 200);
    expect(ok).toHaveLength(1);
    const { data } = (await ok[0].json()) as any;
    await until(async () => (await statusOf(apis[0], data.request_id)) === 'sent', 'the SMS');
    expect(await ronglian.messages(phone)).toHaveLength(1);
  });
});

describe('graceful shutdown', () => {
  it('a worker stopped with SIGTERM while busy finishes its jobs; a new worker delivers the rest, each exactly once', async () => {
    await stopProcess(procs[3]); // leave one worker, so it is the busy one
    await ronglian.faults('slow', 40, undefined, 400);
    const phones = Array.from({ length: 40 }, () => newPhone());
    const ids: string[] = [];
    for (const phone of phones) ids.push(((await (await send(apis[0], phone)).json()) as any).data.request_id);
    await until(async () => (await ronglian.stats()).requests > 0, 'the worker to be busy');
    const exited = new Promise<number | null>((resolve) => workerA.once('exit', (code) => resolve(code)));
    workerA.kill('SIGTERM');
    expect(await exited).toBe(0);
    const statuses = await Promise.all(ids.map((id) => statusOf(apis[0], id)));
    expect(statuses).toContain('queued'); // the rest stayed queued, not lost or failed
    expect(statuses).not.toContain('failed');

    startWorker();
    await until(
      async () => (await Promise.all(ids.map((id) => statusOf(apis[0], id)))).every((s) => s === 'sent'),
      'all sent',
      30000,
    );
    for (const phone of phones) expect(await ronglian.messages(phone)).toHaveLength(1);
  }, 60000);

  it('an API stopped with SIGTERM answers the request in flight, then stops', async () => {
    await call('POST', '/v1/users/sms/code', { phone: newPhone() }); // warm: nothing pending on this stack
    await fetch(`${stack.fakes.weibo}/_fake/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint: 'access_token', mode: 'hang', times: 1 }),
    });
    const { verifier, challenge } = pkce();
    const auth = (await (
      await fetch(`${apiB.url}/v1/users/weibo/authorization?code_challenge=${challenge}`)
    ).json()) as any;
    const oauthUrl = new URL(auth.data.oauth_url);
    const minted = await fetch(`${stack.fakes.weibo}/_fake/codes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uid: '1000000003', redirect_uri: oauthUrl.searchParams.get('redirect_uri') }),
    });
    const { code } = (await minted.json()) as { code: string };
    const state = oauthUrl.searchParams.get('state') ?? '';
    const inFlight = fetch(`${apiB.url}/v1/users/weibo/users?code=${code}&state=${state}&code_verifier=${verifier}`);
    await new Promise((r) => setTimeout(r, 200));
    const exited = new Promise<number | null>((resolve) => apiB.proc.once('exit', (code) => resolve(code)));
    apiB.proc.kill('SIGTERM');
    const answer = await inFlight;
    expect(answer.status).toBe(503); // Weibo timed out; the answer still arrived
    expect(await exited).toBe(0);
  });
});

describe('observability', () => {
  it('exports Prometheus metrics: HTTP by route, logins by method, queues (job outcomes: hygiene spec)', async () => {
    await call('POST', '/v1/tokens', { account: 'nobody_here', password: 'wrong password' });
    await call('POST', '/v1/users/wechat/login', { code: 'no-such-code' });
    const text = await (await fetch(`${stack.api}/metrics`)).text();
    expect(text).toMatch(
      /auth_http_request_duration_seconds_count\{method="POST",route="\/v1\/tokens",status="401"\} \d+/,
    );
    expect(text).toMatch(/auth_logins_total\{method="password",outcome="failed"\} \d+/);
    expect(text).toMatch(/auth_queue_jobs\{queue="sms",state="waiting"\} \d+/);
    expect(text).toMatch(
      /auth_upstream_request_duration_seconds_count\{provider="wechat",endpoint="\/sns\/jscode2session",outcome="wechat_code_invalid"\} \d+/,
    );
  });

  it('puts the queue dashboard behind the admin credential', async () => {
    expect((await fetch(`${stack.api}/admin/queues`)).status).toBe(401);
    const basic = Buffer.from(`${stack.env.ADMIN_USER}:${stack.env.ADMIN_PASSWORD}`).toString('base64');
    const page = await fetch(`${stack.api}/admin/queues`, { headers: { authorization: `Basic ${basic}` } });
    expect(page.status).toBe(200);
    const queues = await fetch(`${stack.api}/admin/queues/api/queues`, {
      headers: { authorization: `Basic ${basic}` },
    });
    expect(((await queues.json()) as any).queues.map((q: { name: string }) => q.name).sort()).toEqual(['mail', 'sms']);
  });

  it('sends security headers, echoes a request id, and allows only listed CORS origins', async () => {
    const answer = await fetch(`${stack.api}/health/live`, {
      headers: { 'x-request-id': 'trace-123', origin: 'https://evil.example' },
    });
    expect(answer.headers.get('x-request-id')).toBe('trace-123');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const allowed = await fetch(`${stack.api}/health/live`, { headers: { origin: 'http://127.0.0.1:5173' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
  });

  it('logs JSON with request ids and never secrets, codes or tokens; phones are masked', async () => {
    const phone = newPhone();
    const code = await (async () => {
      await send(apis[0], phone);
      return (await until(async () => (await ronglian.messages(phone))[0], 'the SMS')).datas[0];
    })();
    const password = 'log-spec secret password';
    const headers = { 'content-type': 'application/json', 'x-request-id': 'log-spec-1' };
    const body = {
      username: `log_${Date.now() % 1e8}`,
      password,
      phone,
      email: `log${Date.now()}@example.com`,
      verify: code,
    };
    const registered = (await (
      await fetch(`${apis[0]}/v1/users`, { method: 'POST', headers, body: JSON.stringify(body) })
    ).json()) as any;
    await fetch(`${apis[0]}/v1/users/me`, { headers: { authorization: `Bearer ${registered.data.token}` } });
    await new Promise((r) => setTimeout(r, 300));
    const lines = logLines.map((l) => JSON.parse(l));
    expect(lines.some((l) => l.reqId === 'log-spec-1')).toBe(true);
    const all = logLines.join('\n');
    for (const secret of [password, code, registered.data.token, registered.data.refresh_token, phone])
      expect(all).not.toContain(secret);
  });
});
