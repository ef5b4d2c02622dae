/**
 * Real Redis and PostgreSQL topologies for the scale-out e2e runs, started from the Debian binaries
 * (`redis-server`, `redis-sentinel`, `pgbouncer`) on free local ports, each in a temporary folder:
 * a 3-master Redis Cluster, a Sentinel group (1 master, 1 replica, 3 sentinels) and a PgBouncer in
 * transaction mode in front of the test database. See docs/scale-out.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort } from './stack.js';

export type RedisTopologyKind = 'cluster' | 'sentinel';

/** What the e2e state file records about a topology, for the specs (ports and pids to kill). */
export interface TopologyState {
  kind: RedisTopologyKind | 'pgbouncer';
  /** Set when a binary is missing: the run falls back to the plain stack and topology specs skip. */
  skipped?: string;
  /** The service's variables for this topology. */
  env: Record<string, string>;
  /** Redis servers (cluster masters, or sentinel master and replica) by port, with their pids. */
  servers: Array<{ port: number; pid: number; role: string }>;
  sentinels: Array<{ port: number; pid: number }>;
}

export interface RunningTopology {
  state: TopologyState;
  stop: () => Promise<void>;
}

const REDIS_SERVER = 'redis-server';
const REDIS_SENTINEL = 'redis-sentinel';
const PGBOUNCER = process.env.PGBOUNCER_BIN ?? '/usr/sbin/pgbouncer';
export const SENTINEL_NAME = 'e2emaster';

/** Null when the binary runs; otherwise a message naming the Debian package that brings it. */
export function missingBinary(binary: string, debianPackage: string): string | null {
  const ok = spawnSync(binary, ['--version'], { stdio: 'ignore' }).status === 0;
  return ok ? null : `${binary} not found: apt-get install ${debianPackage} to run this topology`;
}

function skipped(kind: TopologyState['kind'], reason: string): RunningTopology {
  process.stderr.write(`\n[topology] SKIPPED ${kind}: ${reason}\n\n`);
  return { state: { kind, skipped: reason, env: {}, servers: [], sentinels: [] }, stop: async () => undefined };
}

class Processes {
  readonly dir = mkdtempSync(join(tmpdir(), 'auth-topology-'));
  private readonly children: ChildProcess[] = [];

  start(binary: string, args: string[]): ChildProcess {
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: this.dir });
    child.stderr.on('data', (chunk: Buffer) => process.stderr.write(`[${binary}] ${chunk}`));
    this.children.push(child);
    return child;
  }

  async stop(): Promise<void> {
    for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function until(probe: () => Promise<boolean>, what: string, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`topology: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function redisAt<T>(port: number, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

const baseRedisArgs = (port: number) => [
  '--port',
  String(port),
  '--bind',
  '127.0.0.1',
  '--save',
  '',
  '--appendonly',
  'no',
];

/** Three masters, no replicas, slots spread by `redis-cli --cluster create`. */
export async function startRedisCluster(): Promise<RunningTopology> {
  const missing = missingBinary(REDIS_SERVER, 'redis-server');
  if (missing) return skipped('cluster', missing);
  const procs = new Processes();
  const ports = [await freePort(), await freePort(), await freePort()];
  const servers = ports.map((port) => {
    const child = procs.start(REDIS_SERVER, [
      ...baseRedisArgs(port),
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      `nodes-${port}.conf`,
      '--cluster-node-timeout',
      '2000',
    ]);
    return { port, pid: child.pid!, role: 'master' };
  });
  for (const port of ports) await until(() => redisAt(port, async (r) => (await r.ping()) === 'PONG'), `node ${port}`);
  const created = spawnSync(
    'redis-cli',
    ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'],
    { encoding: 'utf8' },
  );
  if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
  for (const port of ports) {
    await until(
      () => redisAt(port, async (r) => String(await r.cluster('INFO')).includes('cluster_state:ok')),
      `cluster state ok on ${port}`,
    );
  }
  const nodes = ports.map((p) => `127.0.0.1:${p}`).join(',');
  return {
    state: { kind: 'cluster', env: { REDIS_MODE: 'cluster', REDIS_NODES: nodes }, servers, sentinels: [] },
    stop: () => procs.stop(),
  };
}

/** One master, one replica, three sentinels (quorum 2) that fail over after a second of silence. */
export async function startSentinelGroup(): Promise<RunningTopology> {
  const missing = missingBinary(REDIS_SERVER, 'redis-server') ?? missingBinary(REDIS_SENTINEL, 'redis-sentinel');
  if (missing) return skipped('sentinel', missing);
  const procs = new Processes();
  const [masterPort, replicaPort] = [await freePort(), await freePort()];
  const master = procs.start(REDIS_SERVER, baseRedisArgs(masterPort));
  await until(() => redisAt(masterPort, async (r) => (await r.ping()) === 'PONG'), 'sentinel master');
  const replica = procs.start(REDIS_SERVER, [
    ...baseRedisArgs(replicaPort),
    '--replicaof',
    '127.0.0.1',
    String(masterPort),
  ]);
  await until(
    () => redisAt(replicaPort, async (r) => (await r.info('replication')).includes('master_link_status:up')),
    'replica in sync',
  );
  const sentinels = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const file = join(procs.dir, `sentinel-${port}.conf`);
    writeFileSync(
      file,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `sentinel monitor ${SENTINEL_NAME} 127.0.0.1 ${masterPort} 2`,
        `sentinel down-after-milliseconds ${SENTINEL_NAME} 1000`,
        `sentinel failover-timeout ${SENTINEL_NAME} 5000`,
        `sentinel parallel-syncs ${SENTINEL_NAME} 1`,
        '',
      ].join('\n'),
    );
    const child = procs.start(REDIS_SENTINEL, [file]);
    sentinels.push({ port, pid: child.pid! });
  }
  // Ready when every sentinel knows the replica and the two other sentinels (so a failover can be elected).
  for (const { port } of sentinels) {
    await until(
      () =>
        redisAt(port, async (r) => {
          const [info] = (await r.call('SENTINEL', 'MASTERS')) as string[][];
          const field = (name: string) => Number(info?.[info.indexOf(name) + 1]);
          return field('num-slaves') >= 1 && field('num-other-sentinels') >= 2;
        }),
      `sentinel ${port} sees the group`,
      30000,
    );
  }
  return {
    state: {
      kind: 'sentinel',
      env: {
        REDIS_MODE: 'sentinel',
        REDIS_SENTINELS: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
        REDIS_SENTINEL_NAME: SENTINEL_NAME,
      },
      servers: [
        { port: masterPort, pid: master.pid!, role: 'master' },
        { port: replicaPort, pid: replica.pid!, role: 'replica' },
      ],
      sentinels,
    },
    stop: () => procs.stop(),
  };
}

/** The address the sentinels currently name as master. */
export async function sentinelMaster(sentinelPort: number): Promise<number> {
  return redisAt(sentinelPort, async (r) => {
    const [, port] = (await r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_NAME)) as string[];
    return Number(port);
  });
}

/**
 * PgBouncer in transaction mode in front of `databaseUrl`'s database: server connections are shared between
 * transactions, so nothing may rely on session state. Runs as `postgres` (PgBouncer refuses root).
 */
export async function startPgBouncer(databaseUrl: string): Promise<RunningTopology & { url: string }> {
  const missing = missingBinary(PGBOUNCER, 'pgbouncer');
  if (missing) return { ...skipped('pgbouncer', missing), url: databaseUrl };
  const procs = new Processes();
  chmodSync(procs.dir, 0o777);
  const target = new URL(databaseUrl);
  const database = target.pathname.slice(1);
  const port = await freePort();
  const ini = join(procs.dir, 'pgbouncer.ini');
  const users = join(procs.dir, 'userlist.txt');
  writeFileSync(users, `"${target.username}" ""\n`);
  writeFileSync(
    ini,
    [
      '[databases]',
      `${database} = host=${target.hostname} port=${target.port || 5432} dbname=${database}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `admin_users = ${target.username}`,
      `auth_file = ${users}`,
      'pool_mode = transaction',
      'default_pool_size = 10',
      'max_client_conn = 200',
      'server_reset_query =',
      `logfile = ${join(procs.dir, 'pgbouncer.log')}`,
      '',
    ].join('\n'),
  );
  for (const file of [ini, users]) chmodSync(file, 0o644);
  const asRoot = process.getuid?.() === 0;
  procs.start(PGBOUNCER, [...(asRoot ? ['-u', 'postgres'] : []), ini]);
  const url = `postgres://${target.username}@127.0.0.1:${port}/${database}`;
  await until(async () => {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  }, 'pgbouncer');
  return {
    url,
    state: { kind: 'pgbouncer', env: { DATABASE_URL: url }, servers: [], sentinels: [] },
    stop: () => procs.stop(),
  };
}
