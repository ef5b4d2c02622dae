// The system under test for the bench: environment, API and worker processes, the signed-up bench user, and
// the `sms` queue as the service sees it (same key prefix, jobs sealed by the service's own SmsJobs).
import Bull from 'bull';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Cluster } from 'ioredis';
import { providerEnv, startProcess, stopProcess, waitReady } from '../../dist/test/support/stack.js';
import * as queues from '../../dist/src/infra/queues.js';
import { loadConfig } from '../../dist/src/config/config.js';
import { SecretBox } from '../../dist/src/common/secret-box.js';
import { SmsJobs } from '../../dist/src/sms/sms-jobs.js';
import { sleep } from './load.mjs';

/** Core 0 runs the servers; core 1 runs this process (the load generator) and, inheriting it, the fakes. */
export const SERVER_CPU = '0';
export const BOTH_CPUS = '0,1';
export const PREFIX = 'bench';
export const JWT_SECRET = 'bench-jwt-secret-0123456789abcdef0123456789';
const ENCRYPTION_KEYS = `1:${Buffer.alloc(32, 42).toString('base64')}`;

export const PROFILE_DIR = 'bench/results/profiles';

/**
 * `script` (a bundle) pinned to `cpus`. BENCH_PROFILE=1 runs it unbundled, so profiles name src/ files, with
 * --cpu-prof (which NODE_OPTIONS refuses); the profile is written when the process exits.
 */
export function startServer(script, env, name, cpus) {
  if (!process.env.BENCH_PROFILE) return startProcess(script, env, name, cpus);
  const unbundled = script.replace('dist/bundle/', 'dist/src/');
  const argv = ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, unbundled];
  const child = spawn('taskset', ['-c', cpus, process.execPath, ...argv], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (chunk) => process.stderr.write(`[${name}] ${chunk}`);
  child.stdout.on('data', prefix);
  child.stderr.on('data', prefix);
  return child;
}

export const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

export function serviceEnv({ fakes, port, databaseUrl, redis }) {
  return {
    ...providerEnv(fakes),
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    ...redis,
    QUEUE_PREFIX: PREFIX,
    JWT_SECRET,
    ENCRYPTION_KEYS,
    LOG_LEVEL: 'error',
    TRUST_PROXY: '0',
    // Every request comes from 127.0.0.1: per-IP and site-wide budgets would refuse the load, not measure it.
    SMS_IP_HOURLY_CAP: '1000000',
    SMS_NET_HOURLY_CAP: '10000000',
    SMS_GLOBAL_HOURLY_CAP: '100000000',
    CAPTCHA_MODE: 'off',
    LOGIN_IP_MAX_FAILURES: '1000000',
    // Attempts in flight count toward the lockout; the load runs 50 concurrent logins of one account.
    LOGIN_ACCOUNT_MAX_FAILURES: '1000',
    WEIBO_STATES_PER_IP: '1000000',
    ARGON2_MAX_QUEUE: '100000',
    // The API runs as `npm run start:prod` does (BENCH_NODE_OPTIONS tries other V8 settings).
    NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? '--max-semi-space-size=8',
    SMS_RETRY_DELAY_MS: '100',
  };
}

/** Starts `script` pinned to `cpus` and waits for its readiness URL; returns the child and the ms it took. */
export async function startReady(script, env, name, cpus, readyUrl) {
  const t0 = performance.now();
  const child = startServer(script, env, name, cpus);
  await waitReady(readyUrl, child, 60000);
  return { child, ms: Math.round(performance.now() - t0) };
}

export const json = async (url, init) => (await fetch(url, init)).json();
export const post = (url, body, headers = {}) =>
  json(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

/** Signs up the bench user through the real API, SMS worker and fake Ronglian; returns its access token. */
export async function signUp(api, fakes, env, password) {
  const worker = startProcess('dist/bundle/worker.js', env, 'worker', SERVER_CPU);
  try {
    const phone = '13912345678';
    await post(`${api}/v1/users/sms/code`, { phone });
    let code;
    const deadline = Date.now() + 30000;
    while (!code && Date.now() < deadline) {
      const { messages } = await json(`${fakes.ronglian}/_fake/messages?to=${phone}`);
      code = messages.at(-1)?.datas[0];
      if (!code) await sleep(50);
    }
    const signup = await post(`${api}/v1/users`, {
      username: 'bench_user',
      password,
      phone,
      email: 'bench@example.com',
      verify: code,
    });
    if (!signup.data?.token) throw new Error(`sign-up failed: ${JSON.stringify(signup)}`);
    return {
      token: signup.data.token,
      userId: JSON.parse(Buffer.from(signup.data.token.split('.')[1], 'base64url')).sub,
    };
  } finally {
    await stopProcess(worker);
  }
}

/** The `sms` queue under the key prefix the service gives it (hash-tagged once queues support Redis Cluster). */
export function smsQueue(redisEnv) {
  const prefix = queues.queueKeyPrefix ? queues.queueKeyPrefix(PREFIX, queues.SMS_QUEUE) : PREFIX;
  if (redisEnv.REDIS_MODE === 'cluster') {
    const nodes = redisEnv.REDIS_NODES.split(',').map((n) => ({
      host: n.split(':')[0],
      port: Number(n.split(':')[1]),
    }));
    const createClient = () =>
      new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: null, enableReadyCheck: false } });
    return new Bull(queues.SMS_QUEUE, { prefix, createClient });
  }
  return new Bull(queues.SMS_QUEUE, { redis: redisEnv.REDIS_URL, prefix });
}

/** The service's own job builder, configured like the worker, so jobs are sealed with the worker's key. */
export function smsJobs(queue, env) {
  const config = loadConfig(env);
  return new SmsJobs(queue, config, new SecretBox(config));
}
