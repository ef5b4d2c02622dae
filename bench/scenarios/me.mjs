// GET /v1/users/me against its floor (bench/floor.mjs): the same JWT, one Redis GET and one PostgreSQL
// primary-key SELECT on bare node:http, pinned to the same core in the same run.
import { spawn } from 'node:child_process';
import { stopProcess, waitReady } from '../../dist/test/support/stack.js';
import { runs } from '../lib/load.mjs';
import { record, recordCost, reference } from '../lib/results.mjs';
import { JWT_SECRET, SERVER_CPU, rssMb } from '../lib/stack.mjs';

export async function meFloor({ port, redisUrl, databaseUrl, auth }) {
  const floor = spawn(
    'taskset',
    ['-c', SERVER_CPU, process.execPath, 'bench/floor.mjs', String(port), JWT_SECRET, redisUrl, databaseUrl],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    await waitReady(`http://127.0.0.1:${port}/health`, floor);
    const result = await runs({ url: `http://127.0.0.1:${port}/me`, headers: auth });
    reference('floor', 'bare node:http req/s (JWT + Redis GET + PG PK SELECT)', Math.round(result.rps));
    return result.rps;
  } finally {
    await stopProcess(floor);
  }
}

/** Returns the req/s, for the cluster comparison. */
export async function me({ api, apiProc, auth, floorRps, meter, label = 'me', ratioTarget = 0.85 }) {
  const { result, cost } = await meter.measure([apiProc.pid], () => runs({ url: `${api}/v1/users/me`, headers: auth }));
  recordCost(`GET /v1/users/me${label === 'me' ? '' : ` (${label})`}`, cost);
  if (floorRps !== undefined) {
    record(
      label,
      'GET /v1/users/me req/s',
      Math.round(result.rps),
      `≥ ${ratioTarget} × floor (${Math.round(ratioTarget * floorRps)})`,
      result.rps >= ratioTarget * floorRps,
      `ratio ${(result.rps / floorRps).toFixed(2)}; ${result.non2xx} non-2xx`,
    );
    record(label, 'GET /v1/users/me p99 (ms)', result.p99, '≤ 30', result.p99 <= 30);
    const loaded = rssMb(apiProc.pid);
    record(label, 'API RSS under load (MB)', loaded.toFixed(1), '≤ 250', loaded <= 250);
  }
  return result;
}
