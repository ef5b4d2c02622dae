/**
 * Starts the system under test as real processes: the fake providers, the API (dist/bundle/main.js) and a
 * separate queue worker (dist/bundle/worker.js), against real PostgreSQL and Redis. Used by the e2e global
 * setup and by bench/. Requires `npm run build` first (the test script does it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { FakeUrls } from '../fakes/main.js';

export type { FakeUrls };

export interface Stack {
  api: string;
  databaseUrl: string | null;
  redisUrl: string;
  fakes: FakeUrls;
  env: Record<string, string>;
  children: ChildProcess[];
}

export const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Drops and recreates a database so each run starts from the migrations. */
export async function freshDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  return `postgres://postgres@127.0.0.1:5432/${name}`;
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
}

export async function flushRedis(url: string): Promise<void> {
  const redis = new Redis(url);
  await redis.flushdb();
  await redis.quit();
}

export async function startFakes(): Promise<{ urls: FakeUrls; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      'dist/test/fakes/main.js',
      '--json',
      ...['ronglian', 'aliyun', 'tencent', 'weibo', 'wechat', 'smtp', 'smtp-http'].map((f) => `--${f}-port=0`),
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    if (line.startsWith('{')) return { urls: JSON.parse(line) as FakeUrls, child };
  }
  throw new Error('the fakes exited before printing their URLs');
}

export function providerEnv(fakes: FakeUrls): Record<string, string> {
  return {
    SMS_DRIVER: 'ronglian',
    RONGLIAN_BASE_URL: fakes.ronglian,
    RONGLIAN_ACCOUNT_SID: 'fake_account_sid',
    RONGLIAN_AUTH_TOKEN: 'fake_auth_token',
    RONGLIAN_APP_ID: 'fake_app_id',
    RONGLIAN_TEMPLATE_ID: '1',
    RONGLIAN_NOTICE_TEMPLATE_ID: '2',
    WEIBO_CLIENT_ID: '3456789012',
    WEIBO_CLIENT_SECRET: 'fake_weibo_secret',
    WEIBO_AUTHORIZE_URL: `${fakes.weibo}/oauth2/authorize`,
    WEIBO_API_BASE: fakes.weibo,
    WEIBO_REDIRECT_URI: 'http://127.0.0.1:5173/callback.html',
    WECHAT_APPID: 'wxfakeappid00000001',
    WECHAT_SECRET: 'fake_wechat_secret',
    WECHAT_API_BASE: fakes.wechat,
    MAIL_DRIVER: 'smtp',
    SMTP_URL: fakes.smtp,
    ACTIVATION_URL: 'http://127.0.0.1:5173/active.html',
  };
}

/** Runs a built script with exactly `env` (plus PATH); `cpu` pins it to one core with taskset (bench/). */
export function startProcess(script: string, env: Record<string, string>, name: string, cpu?: number): ChildProcess {
  const argv =
    cpu === undefined ? [process.execPath, script] : ['taskset', '-c', String(cpu), process.execPath, script];
  const child = spawn(argv[0], argv.slice(1), {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (chunk: Buffer) => process.stderr.write(`[${name}] ${chunk}`);
  child.stdout.on('data', prefix);
  child.stderr.on('data', prefix);
  return child;
}

export async function waitReady(url: string, child: ChildProcess, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before ${url} was ready`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
  await exited;
  clearTimeout(timer);
}

/**
 * One more API + worker pair with `env` (e.g. another SMS_DRIVER), for specs that need a second configuration.
 * Give it its own QUEUE_PREFIX, or the main stack's worker would take its jobs.
 */
export async function startApiAndWorker(
  env: Record<string, string>,
  name: string,
): Promise<{ api: string; stop(): Promise<void> }> {
  const port = await freePort();
  const full = { ...env, PORT: String(port) };
  const children = [
    startProcess('dist/bundle/main.js', full, `${name}-api`),
    startProcess('dist/bundle/worker.js', full, `${name}-worker`),
  ];
  const stop = async () => {
    await Promise.all(children.map((child) => stopProcess(child)));
  };
  try {
    await waitReady(`http://127.0.0.1:${port}/health/ready`, children[0], 60000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { api: `http://127.0.0.1:${port}`, stop };
}
