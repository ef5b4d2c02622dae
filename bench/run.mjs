// npm run bench: builds, starts PostgreSQL-backed API and worker processes plus the fakes on 127.0.0.1,
// drives load with autocannon and prints one table (also written to bench/results/). Servers are pinned to
// core 0; this process (the load generator) and the fakes it starts run on core 1, so figures are per core
// (the login scenario alone gives the API both cores). Targets are ratios to floors measured in the same run.
// BENCH_ONLY=me,sms,… runs some scenarios (start always runs); BENCH_SECONDS and BENCH_RUNS shorten a run.
import { existsSync } from 'node:fs';
import {
  dropDatabase,
  flushRedis,
  freePort,
  freshDatabase,
  startFakes,
  stopProcess,
} from '../dist/test/support/stack.js';
import { log, sleep } from './lib/load.mjs';
import { createMeter } from './lib/meter.mjs';
import { note, record, report } from './lib/results.mjs';
import { BOTH_CPUS, SERVER_CPU, post, rssMb, serviceEnv, signUp, smsJobs, smsQueue, startReady } from './lib/stack.mjs';
import { captcha } from './scenarios/captcha.mjs';
import { drain } from './scenarios/drain.mjs';
import { LOGIN_CONCURRENCY, login } from './scenarios/login.mjs';
import { me, meFloor } from './scenarios/me.mjs';
import { refresh } from './scenarios/refresh.mjs';
import { sms } from './scenarios/sms.mjs';
import { weibo } from './scenarios/weibo.mjs';

const REDIS_URL = 'redis://127.0.0.1:6379/13';
const DATABASE = 'auth_bench';
const PASSWORD = 'quiet harbour 7 lanterns';
const only = process.env.BENCH_ONLY?.split(',');
// BENCH_PROFILE=1: servers run unbundled (so profiles name src/ files) with --cpu-prof (docs/performance.md).
const API_ENTRY = 'dist/bundle/main.js';
const wanted = (name) => !only || only.includes(name);

async function main() {
  const databaseUrl = await freshDatabase(DATABASE);
  await flushRedis(REDIS_URL);
  const fakes = await startFakes();
  const children = [fakes.child];
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const redis = { REDIS_URL };
  const env = serviceEnv({ fakes: fakes.urls, port, databaseUrl, redis });
  const meter = await createMeter({ databaseUrl, redisNodes: [{ host: '127.0.0.1', port: 6379 }] });
  const queue = smsQueue(redis);
  const standalone = {};
  try {
    // Start to /health/ready (migrations already run once, so this is a warm restart as in production).
    const first = await startReady(API_ENTRY, env, 'api', SERVER_CPU, `${api}/health/ready`);
    await stopProcess(first.child);
    const { child: apiProc, ms } = await startReady(API_ENTRY, env, 'api', SERVER_CPU, `${api}/health/ready`);
    children.push(apiProc);
    await sleep(1000);
    const idleRss = rssMb(apiProc.pid);
    record('start', 'start to /health/ready (ms)', ms, '≤ 1500', ms <= 1500);
    record('start', 'API RSS idle (MB)', idleRss.toFixed(1), '≤ 150', idleRss <= 150);

    const { token } = await signUp(api, fakes.urls, env, PASSWORD);
    const auth = { authorization: `Bearer ${token}` };
    const ctx = { api, apiProc, auth, env, fakes: fakes.urls, databaseUrl, meter, queue, password: PASSWORD, children };

    let meFloorRps;
    if (wanted('me') || wanted('sms') || wanted('cluster')) {
      meFloorRps = await meFloor({ port: await freePort(), redisUrl: REDIS_URL, databaseUrl, auth });
    }
    if (wanted('me') || wanted('cluster')) standalone.me = await me({ ...ctx, floorRps: meFloorRps });
    if (wanted('sms') || wanted('cluster')) standalone.sms = await sms({ ...ctx, meFloorRps });
    if (wanted('captcha')) await captcha({ redisUrl: REDIS_URL });
    if (wanted('refresh')) await refresh(ctx);
    if (wanted('weibo')) {
      const reauth = await post(`${api}/v1/users/me/reauth`, { password: PASSWORD }, auth);
      await weibo({ ...ctx, reauth: reauth.data.reauth_token });
    }
    if (wanted('drain')) await drain({ ...ctx, jobs: smsJobs(queue, env) });
    await stopProcess(apiProc);

    if (wanted('login')) {
      // The API on both cores with two hashes at a time; the load generator (core 1) stays light.
      const loginEnv = { ...env, ARGON2_CONCURRENCY: LOGIN_CONCURRENCY };
      const both = await startReady(API_ENTRY, loginEnv, 'api-both', BOTH_CPUS, `${api}/health/ready`);
      children.push(both.child);
      await login({ ...ctx, apiProc: both.child });
      await stopProcess(both.child);
    }

    if (wanted('cluster')) await clusterScenarios({ ...ctx, port, standalone, meFloorRps });
  } finally {
    for (const child of children.reverse()) await stopProcess(child);
    await Promise.race([Promise.all([queue.close(), meter.close()]), sleep(3000)]);
    await dropDatabase(DATABASE);
  }
  report(`servers on core ${SERVER_CPU}, load generator and fakes on core 1; login: API on cores ${BOTH_CPUS}`);
}

/** The /me and SMS scenarios again with REDIS_MODE=cluster (a 3-master cluster of local redis-servers). */
async function clusterScenarios(ctx) {
  const topologies = '../dist/test/support/topologies.js';
  if (!existsSync(new URL(topologies, import.meta.url))) {
    record(
      'cluster',
      'REDIS_MODE=cluster scenarios',
      'not run',
      '≥ 0.8 × standalone',
      false,
      'no Redis Cluster support on this branch',
    );
    return;
  }
  const { startRedisCluster } = await import(topologies);
  const cluster = await startRedisCluster();
  if (cluster.state.skipped) {
    record('cluster', 'REDIS_MODE=cluster scenarios', 'not run', '≥ 0.8 × standalone', false, cluster.state.skipped);
    return;
  }
  const redis = cluster.state.env;
  const env = { ...ctx.env, ...redis };
  const nodes = cluster.state.servers.map((s) => ({ host: '127.0.0.1', port: s.port }));
  const meter = await createMeter({ databaseUrl: ctx.databaseUrl, redisNodes: nodes });
  const queue = smsQueue(redis);
  const api = `http://127.0.0.1:${ctx.port}`;
  try {
    const { child } = await startReady(API_ENTRY, env, 'api-cluster', SERVER_CPU, `${api}/health/ready`);
    ctx.children.push(child);
    const base = { ...ctx, api, apiProc: child, env, meter, queue };
    note(
      `cluster: 3 masters (${nodes.map((n) => n.port).join(', ')}), no replicas, local redis-server ${cluster.state.servers.length} processes, unpinned`,
    );
    const meResult = await me({ ...base, label: 'me cluster' });
    const ratioMe = meResult.rps / ctx.standalone.me.rps;
    record(
      'me cluster',
      'GET /v1/users/me req/s, REDIS_MODE=cluster',
      Math.round(meResult.rps),
      `≥ 0.8 × standalone (${Math.round(0.8 * ctx.standalone.me.rps)})`,
      ratioMe >= 0.8 && meResult.non2xx === 0,
      `ratio ${ratioMe.toFixed(2)}; p99 ${meResult.p99} ms; ${meResult.non2xx} non-2xx`,
    );
    const smsResult = await sms({ ...base, label: 'sms cluster', checkTargets: false });
    const ratioSms = smsResult.rps / ctx.standalone.sms.rps;
    record(
      'sms cluster',
      'POST /v1/users/sms/code req/s, REDIS_MODE=cluster',
      Math.round(smsResult.rps),
      `≥ 0.8 × standalone (${Math.round(0.8 * ctx.standalone.sms.rps)})`,
      ratioSms >= 0.8 && smsResult.non2xx === 0,
      `ratio ${ratioSms.toFixed(2)}; p99 ${smsResult.p99} ms; ${smsResult.non2xx} non-2xx`,
    );
    await stopProcess(child);
  } finally {
    // Cluster clients retry for ever once the nodes are gone: close them first, and never wait long.
    await Promise.race([Promise.all([queue.close(), meter.close()]), sleep(3000)]);
    await cluster.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
