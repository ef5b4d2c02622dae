// npm run bench: builds, starts PostgreSQL-backed API and worker processes plus the fakes on 127.0.0.1,
// drives load with autocannon and prints one table (also written to bench/results/). Servers are pinned to
// core 0 and this process (the load generator) to core 1, so figures are per core; ratios are what we track.
import autocannon from 'autocannon';
import Bull from 'bull';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import {
  dropDatabase,
  flushRedis,
  freePort,
  freshDatabase,
  providerEnv,
  startFakes,
  startProcess,
  stopProcess,
  waitReady,
} from '../dist/test/support/stack.js';

const SERVER_CPU = 0;
const RUNS = 3;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = 50;
const REDIS_URL = 'redis://127.0.0.1:6379/13';
const PREFIX = 'bench';
const JWT_SECRET = 'bench-jwt-secret-0123456789abcdef0123456789';
const results = [];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error('[bench]', ...a);

function cannon(opts) {
  const settings = opts.amount
    ? { connections: CONNECTIONS, ...opts }
    : { connections: CONNECTIONS, duration: SECONDS, ...opts };
  return new Promise((resolve, reject) => {
    autocannon(settings, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

async function runs(opts) {
  // One short unmeasured run first: the JIT warms up, as it has on any server that has been up a while.
  const warm = await cannon(opts.amount ? { ...opts, amount: Math.min(opts.amount, 2000) } : { ...opts, duration: 1 });
  const all = [];
  for (let i = 0; i < RUNS; i++) {
    // Requests still in flight when a run stops are abandoned by the client but still served: for slow
    // routes (a login hashes for ~30 ms), let that backlog drain so it is not charged to the next run.
    if (opts.settleMs) await sleep(opts.settleMs);
    all.push(await cannon(opts));
  }
  return {
    // Completed requests over the run's wall time (autocannon's own average rounds the duration to seconds).
    rps: median(all.map((r) => r.requests.total / ((new Date(r.finish) - new Date(r.start)) / 1000))),
    p99: median(all.map((r) => r.latency.p99)),
    ok: all.reduce((n, r) => n + r['2xx'], 0),
    warmOk: warm['2xx'],
    non2xx: all.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
  };
}

function record(scenario, figure, value, target, pass, note = '') {
  results.push({ scenario, figure, value, target, pass, note });
  log(`${scenario}: ${figure} = ${value} (target ${target}) ${pass ? 'PASS' : 'MISS'} ${note}`);
}

const json = async (url, init) => (await fetch(url, init)).json();
const post = (url, body, headers = {}) =>
  json(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

async function main() {
  const databaseUrl = await freshDatabase('auth_bench');
  await flushRedis(REDIS_URL);
  const fakes = await startFakes();
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const env = {
    ...providerEnv(fakes.urls),
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: PREFIX,
    JWT_SECRET,
    LOG_LEVEL: 'error',
    SMS_IP_HOURLY_CAP: '1000000',
    LOGIN_IP_MAX_FAILURES: '1000000',
    // Attempts in flight count toward the lockout; the load runs 50 concurrent logins of one account.
    LOGIN_ACCOUNT_MAX_FAILURES: '1000',
    WEIBO_STATES_PER_IP: '1000000',
    // The API runs as `npm run start:prod` does.
    NODE_OPTIONS: '--max-semi-space-size=2',
    SMS_RETRY_DELAY_MS: '100',
  };
  const children = [fakes.child];
  try {
    // Start to /health/ready (migrations already run once, so this is a warm restart as in production).
    const warm = startProcess('dist/bundle/main.js', env, 'api', SERVER_CPU);
    await waitReady(`${api}/health/ready`, warm, 60000);
    await stopProcess(warm);
    const t0 = performance.now();
    const apiProc = startProcess('dist/bundle/main.js', env, 'api', SERVER_CPU);
    children.push(apiProc);
    await waitReady(`${api}/health/ready`, apiProc, 60000);
    const startMs = Math.round(performance.now() - t0);
    await sleep(1000);
    const idleRss = rssMb(apiProc.pid);
    record('start', 'start to /health/ready (ms)', startMs, '≤ 1500', startMs <= 1500);
    record('start', 'API RSS idle (MB)', idleRss.toFixed(1), '≤ 150', idleRss <= 150);

    // A signed-up user, through the real API, SMS worker and fake Ronglian.
    const worker = startProcess('dist/bundle/worker.js', env, 'worker', SERVER_CPU);
    const phone = '13912345678';
    await post(`${api}/v1/users/sms/code`, { phone });
    let code;
    while (!code) {
      const { messages } = await json(`${fakes.urls.ronglian}/_fake/messages?to=${phone}`);
      code = messages[0]?.datas[0];
      if (!code) await sleep(50);
    }
    const password = 'bench password 123';
    const signup = await post(`${api}/v1/users`, {
      username: 'bench_user',
      password,
      phone,
      email: 'bench@example.com',
      verify: code,
    });
    const token = signup.data.token;
    await stopProcess(worker);
    const auth = { authorization: `Bearer ${token}` };

    // Floor vs GET /v1/users/me.
    const floorPort = await freePort();
    const floor = spawn(
      'taskset',
      [
        '-c',
        String(SERVER_CPU),
        process.execPath,
        'bench/floor.mjs',
        String(floorPort),
        JWT_SECRET,
        REDIS_URL,
        databaseUrl,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(floor);
    await waitReady(`http://127.0.0.1:${floorPort}/`, floor).catch(() => undefined);
    await sleep(300);
    const floorMe = await runs({ url: `http://127.0.0.1:${floorPort}/me`, headers: auth });
    await stopProcess(floor);
    const me = await runs({ url: `${api}/v1/users/me`, headers: auth });
    const loadedRss = rssMb(apiProc.pid);
    record('floor', 'bare node:http req/s', Math.round(floorMe.rps), '(reference)', true);
    record(
      'me',
      'GET /v1/users/me req/s',
      Math.round(me.rps),
      `≥ 0.75 × floor (${Math.round(0.75 * floorMe.rps)})`,
      me.rps >= 0.75 * floorMe.rps,
      `ratio ${(me.rps / floorMe.rps).toFixed(2)}`,
    );
    record('me', 'GET /v1/users/me p99 (ms)', me.p99, '≤ 30', me.p99 <= 30);
    record('me', 'API RSS under load (MB)', loadedRss.toFixed(1), '≤ 250', loadedRss <= 250);

    // POST /v1/users/sms/code, a new phone per request, with no worker: every 2xx must leave exactly one job.
    // A fixed number of requests per run (not a duration), so that every answer is counted.
    let n = 0;
    const sms = await runs({
      amount: 3500 * SECONDS,
      url: `${api}/v1/users/sms/code`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      requests: [
        { setupRequest: (req) => ({ ...req, body: JSON.stringify({ phone: `137${String(n++).padStart(8, '0')}` }) }) },
      ],
    });
    const queue = new Bull('sms', { redis: REDIS_URL, prefix: PREFIX });
    const jobs = await queue.getJobCountByTypes(['waiting', 'active', 'delayed', 'completed', 'failed']);
    record(
      'sms',
      'POST /v1/users/sms/code req/s',
      Math.round(sms.rps),
      '≥ 3000',
      sms.rps >= 3000,
      `ratio to floor ${(sms.rps / floorMe.rps).toFixed(2)}`,
    );
    record('sms', 'p99 (ms)', sms.p99, '≤ 40', sms.p99 <= 40);
    const answered = sms.ok + sms.warmOk;
    record('sms', '2xx answers vs queued jobs', `${answered} / ${jobs}`, 'equal', answered === jobs);

    // Password login vs the raw argon2id rate on the same core.
    const raw = await rawArgon2Rate();
    const login = await runs({
      url: `${api}/v1/tokens`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ account: 'bench_user', password }),
      timeout: 30,
      settleMs: 3000,
    });
    record('argon2', 'raw argon2id hashes/s (same core)', raw.toFixed(1), '(reference)', true);
    record(
      'login',
      'POST /v1/tokens req/s',
      login.rps.toFixed(1),
      `≥ 0.85 × raw (${(0.85 * raw).toFixed(1)})`,
      login.rps >= 0.85 * raw,
      `ratio ${(login.rps / raw).toFixed(2)}; ${login.non2xx} non-2xx`,
    );

    // GET /v1/users/me while logins hash beside it.
    const [, meBeside] = await Promise.all([
      cannon({
        url: `${api}/v1/tokens`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ account: 'bench_user', password }),
        timeout: 30,
        duration: SECONDS * 2,
      }),
      cannon({ url: `${api}/v1/users/me`, headers: auth, connections: 10, duration: SECONDS * 2 }),
    ]);
    record(
      'me+login',
      'GET /v1/users/me p99 during logins (ms)',
      meBeside.latency.p99,
      '≤ 100',
      meBeside.latency.p99 <= 100,
    );

    // Worker draining 5,000 queued SMS jobs into the fake Ronglian.
    await queue.obliterate({ force: true });
    await fetch(`${fakes.urls.ronglian}/_fake/reset`, { method: 'POST' });
    const total = 5000;
    await queue.addBulk(
      Array.from({ length: total }, (_, i) => {
        const requestId = `bench${String(i).padStart(27, '0')}`;
        return {
          data: { requestId, phone: `+86136${String(i).padStart(8, '0')}`, code: '123456', ttlMinutes: 3 },
          opts: { jobId: requestId, attempts: 5, backoff: { type: 'exponential', delay: 100 }, removeOnComplete: true },
        };
      }),
    );
    const drainWorker = startProcess('dist/bundle/worker.js', env, 'worker', SERVER_CPU);
    children.push(drainWorker);
    let first = 0;
    let accepted = 0;
    const deadline = Date.now() + 60000;
    while (accepted < total && Date.now() < deadline) {
      accepted = (await json(`${fakes.urls.ronglian}/_fake/stats`)).accepted;
      if (accepted > 0 && !first) first = performance.now();
      await sleep(20);
    }
    const drainSeconds = (performance.now() - first) / 1000;
    const { messages } = await json(`${fakes.urls.ronglian}/_fake/messages`);
    const unique = new Set(messages.map((m) => m.reqId)).size;
    const drainRate = accepted / drainSeconds;
    record('drain', 'worker jobs/s', Math.round(drainRate), '≥ 1500', drainRate >= 1500);
    record(
      'drain',
      'lost / sent twice',
      `${total - unique} / ${messages.length - unique}`,
      '0 / 0',
      unique === total && messages.length === total,
    );
    await stopProcess(drainWorker);
    await queue.close();

    await weiboScenario(api, fakes.urls, auth);
  } finally {
    for (const child of children.reverse()) await stopProcess(child);
    await dropDatabase('auth_bench');
  }
  report();
}

async function rawArgon2Rate() {
  const child = spawn(
    'taskset',
    ['-c', String(SERVER_CPU), process.execPath, 'bench/argon2-rate.mjs', '19456', '2', '1', String(SECONDS * 2)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await new Promise((r) => child.on('exit', r));
  return JSON.parse(out).hashesPerSecond;
}

async function weiboScenario(api, fakes, auth) {
  const probe = await fetch(`${api}/v1/users/weibo/authorization`, { headers: auth });
  if (probe.status === 404) {
    record('weibo', 'callback for a bound user req/s', 'n/a', '≥ 1000', false, 'Weibo routes not built yet');
    return;
  }
  // Link a Weibo uid to the bench user, then pre-mint (code, state) pairs so the run only measures the callback.
  const uid = '1000000001';
  const pair = async (headers = {}) => {
    const { data } = await json(`${api}/v1/users/weibo/authorization`, { headers });
    const state = new URL(data.oauth_url).searchParams.get('state');
    const redirect = new URL(data.oauth_url).searchParams.get('redirect_uri');
    const { code } = await post(`${fakes.weibo}/_fake/codes`, { uid, redirect_uri: redirect });
    return `/v1/users/weibo/users?code=${code}&state=${state}`;
  };
  await fetch(`${api}${await pair(auth)}`);
  const count = 1500 * SECONDS * RUNS;
  const paths = [];
  for (let i = 0; i < count; i += 100) paths.push(...(await Promise.all(Array.from({ length: 100 }, () => pair()))));
  let i = 0;
  const weibo = await runs({
    url: api,
    requests: [{ setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length] }) }],
  });
  record(
    'weibo',
    'callback for a bound user req/s',
    Math.round(weibo.rps),
    '≥ 1000',
    weibo.rps >= 1000,
    `${weibo.non2xx} non-2xx`,
  );
}

function report() {
  const machine = `${cpus().length} × ${cpus()[0].model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const lines = [
    `Benchmark (${new Date().toISOString()}; ${machine}; servers on core ${SERVER_CPU}, load on core 1; ${RUNS} runs × ${SECONDS} s, ${CONNECTIONS} connections, medians)`,
    '',
    '| scenario | figure | value | target | result | note |',
    '|---|---|---|---|---|---|',
    ...results.map(
      (r) => `| ${r.scenario} | ${r.figure} | ${r.value} | ${r.target} | ${r.pass ? 'pass' : '**miss**'} | ${r.note} |`,
    ),
  ];
  console.log(lines.join('\n'));
  mkdirSync('bench/results', { recursive: true });
  const file = {
    date: new Date().toISOString(),
    machine,
    runs: RUNS,
    seconds: SECONDS,
    connections: CONNECTIONS,
    results,
  };
  writeFileSync('bench/results/latest.json', JSON.stringify(file, null, 2));
  writeFileSync(`bench/results/${file.date.replace(/[:.]/g, '-')}.json`, JSON.stringify(file, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
