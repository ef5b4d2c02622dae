import { appendFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { E2E_API_LOG, E2E_DATABASE_NAME, E2E_STATE_FILE, E2E_REDIS_URL, e2eAppEnv } from './e2e-env.js';
import {
  flushRedis,
  freePort,
  freshDatabase,
  providerEnv,
  startFakes,
  startProcess,
  waitReady,
  type Stack,
} from './stack.js';
import { startPgBouncer, startRedisCluster, startSentinelGroup, type RunningTopology } from './topologies.js';

/**
 * Boots fakes, API and worker once for the whole e2e run; specs read the URLs from E2E_STATE_FILE.
 * `E2E_DATABASE=embedded|pgbouncer` and `E2E_REDIS=cluster|sentinel` run the same stack on other topologies
 * (test/support/topologies.ts).
 */
export default async function setup(): Promise<void> {
  const embedded = process.env.E2E_DATABASE === 'embedded';
  const databaseUrl = embedded ? null : await freshDatabase(E2E_DATABASE_NAME);
  const topologies = await startTopologies(databaseUrl);
  (globalThis as { __topologyStop?: () => Promise<void> }).__topologyStop = async () => {
    for (const t of topologies) await t.stop();
  };
  await flushRedis(E2E_REDIS_URL);
  const fakes = await startFakes();
  const port = await freePort();
  const env: Record<string, string> = {
    ...e2eAppEnv,
    ...providerEnv(fakes.urls),
    PORT: String(port),
    // The API serves the built SPA (web/dist): the Weibo redirect and the activation link land on its pages.
    WEIBO_REDIRECT_URI: `http://127.0.0.1:${port}/callback.html`,
    ACTIVATION_URL: `http://127.0.0.1:${port}/active.html`,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: mkdtempSync(join(tmpdir(), 'auth-e2e-pglite-')) }),
    ...Object.assign({}, ...topologies.map((t) => t.state.env)),
  };
  const api = startProcess('dist/bundle/main.js', env, 'api');
  // What the API printed, for specs that check its logs (test/e2e/query-log.e2e-spec.ts).
  writeFileSync(E2E_API_LOG, '');
  for (const out of [api.stdout!, api.stderr!]) out.on('data', (chunk: Buffer) => appendFileSync(E2E_API_LOG, chunk));
  const worker = startProcess('dist/bundle/worker.js', env, 'worker');
  const stack: Stack = {
    api: `http://127.0.0.1:${port}`,
    databaseUrl: databaseUrl ?? null,
    redisUrl: E2E_REDIS_URL,
    fakes: fakes.urls,
    env,
    children: [fakes.child, api, worker],
  };
  (globalThis as { __stack?: Stack }).__stack = stack;
  await waitReady(`${stack.api}/health/ready`, api, 60000);
  const { children: _children, ...state } = stack;
  // Specs on a topology reach Redis as the service does (client.ts) and find its processes (topologies.ts).
  const topology = topologies.find((t) => t.state.kind !== 'pgbouncer')?.state;
  const redisTopology = topology && !topology.skipped ? loadConfig(env).redis : undefined;
  writeFileSync(
    E2E_STATE_FILE,
    JSON.stringify({ ...state, apiLog: E2E_API_LOG, redisTopology, topologies: topologies.map((t) => t.state) }),
  );
  // Specs run in this process (--runInBand) and find the stack through this variable.
  process.env.E2E_STACK_FILE = E2E_STATE_FILE;
}

async function startTopologies(databaseUrl: string | null): Promise<RunningTopology[]> {
  const started: RunningTopology[] = [];
  const redis = process.env.E2E_REDIS;
  if (redis === 'cluster') started.push(await startRedisCluster());
  else if (redis === 'sentinel') started.push(await startSentinelGroup());
  else if (redis) throw new Error(`E2E_REDIS must be cluster or sentinel (got "${redis}")`);
  if (process.env.E2E_DATABASE === 'pgbouncer') {
    if (!databaseUrl) throw new Error('E2E_DATABASE=pgbouncer needs the PostgreSQL test database');
    started.push(await startPgBouncer(databaseUrl));
  }
  return started;
}
