// Password login on both cores against the raw argon2id rate on both cores. The API runs on cores 0-1 with
// ARGON2_CONCURRENCY=2; the load generator (core 1) is light: logins are few and slow.
import { spawn } from 'node:child_process';
import { SECONDS, cannon, runs } from '../lib/load.mjs';
import { record, recordCost, reference } from '../lib/results.mjs';
import { BOTH_CPUS } from '../lib/stack.mjs';

export const LOGIN_CONCURRENCY = '2';

async function rawArgon2Rate() {
  const child = spawn(
    'taskset',
    [
      '-c',
      BOTH_CPUS,
      process.execPath,
      'bench/argon2-rate.mjs',
      '19456',
      '2',
      '1',
      String(SECONDS * 2),
      LOGIN_CONCURRENCY,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await new Promise((r) => child.on('exit', r));
  return JSON.parse(out).hashesPerSecond;
}

export async function login({ api, apiProc, password, auth, meter }) {
  const raw = await rawArgon2Rate();
  const request = {
    url: `${api}/v1/tokens`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account: 'bench_user', password }),
    timeout: 30,
  };
  const { result, cost } = await meter.measure([apiProc.pid], () =>
    runs({ ...request, connections: 10, settleMs: 2000 }),
  );
  recordCost('POST /v1/tokens (password login)', cost);
  reference('argon2', 'raw argon2id hashes/s (both cores, 2 at a time)', raw.toFixed(1));
  record(
    'login',
    'POST /v1/tokens req/s (both cores)',
    result.rps.toFixed(1),
    `≥ 0.85 × raw (${(0.85 * raw).toFixed(1)})`,
    result.rps >= 0.85 * raw,
    `ratio ${(result.rps / raw).toFixed(2)}; ${result.non2xx} non-2xx`,
  );

  // GET /v1/users/me while logins hash on both cores beside it.
  const [, beside] = await Promise.all([
    cannon({ ...request, connections: 10, duration: SECONDS * 2 }),
    cannon({ url: `${api}/v1/users/me`, headers: auth, connections: 10, duration: SECONDS * 2 }),
  ]);
  reference(
    'me+login',
    'GET /v1/users/me p99 during logins (ms)',
    beside.latency.p99,
    `${Math.round(beside.requests.average)} req/s`,
  );
}
