import { Logger } from '@nestjs/common';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisTopology } from '../config/config.js';

/** Every Redis client of the service: a single server (standalone or found through Sentinel) or a Cluster. */
export type RedisClient = Redis | Cluster;

/**
 * `commands`: codes, limits, tickets and the cache, failing fast (a request must not hang on Redis).
 * `queue`: Bull's command connection. `blocking` and `subscriber`: Bull's blocking and pub/sub connections,
 * which must retry forever and skip the ready check (Bull refuses them otherwise).
 */
export type RedisRole = 'commands' | 'queue' | 'blocking' | 'subscriber';

const ROLE_OPTIONS: Record<RedisRole, RedisOptions> = {
  commands: { maxRetriesPerRequest: 2, enableAutoPipelining: true },
  queue: { maxRetriesPerRequest: 20, enableReadyCheck: false },
  blocking: { maxRetriesPerRequest: null, enableReadyCheck: false },
  subscriber: { maxRetriesPerRequest: null, enableReadyCheck: false },
};

/** The one place that turns a topology into a client; see docs/scale-out.md for each mode's settings. */
export function createRedis(topology: RedisTopology, role: RedisRole = 'commands'): RedisClient {
  return logErrors(connect(topology, role), role);
}

function connect(topology: RedisTopology, role: RedisRole): RedisClient {
  const options: RedisOptions = { ...ROLE_OPTIONS[role], ...credentials(topology) };
  switch (topology.mode) {
    case 'standalone':
      return new Redis(topology.url, { ...options, reconnectOnError });
    case 'sentinel':
      return new Redis({
        ...options,
        sentinels: topology.sentinels,
        name: topology.sentinelName,
        sentinelPassword: topology.password,
        enableTLSForSentinelMode: topology.tls,
        // No `failoverDetector`: in the failover test (docs/scale-out.md) it left a client closed for good
        // now and then. Clients find the new master when their connection to the old one fails, and the
        // sentinels close clients' connections to a demoted master that still answers.
        reconnectOnError,
      });
    case 'cluster':
      return new Cluster(topology.nodes, clusterOptions(options, role));
  }
}

function credentials(topology: RedisTopology): RedisOptions {
  return {
    ...(topology.password ? { password: topology.password } : {}),
    ...(topology.tls ? { tls: {} } : {}),
  };
}

function clusterOptions(options: RedisOptions, role: RedisRole): ClusterOptions {
  const { enableAutoPipelining, maxRetriesPerRequest, ...redisOptions } = options;
  return {
    redisOptions: { ...redisOptions, maxRetriesPerRequest },
    enableAutoPipelining,
    enableReadyCheck: role === 'commands',
    // Managed endpoints with TLS present certificates for their own host names, not the nodes' addresses.
    ...(options.tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
  };
}

/**
 * A master demoted by a failover answers writes with READONLY until the client reconnects: reconnect and
 * resend the command (2) so callers see the new master instead of the error.
 */
function reconnectOnError(err: Error): boolean | 1 | 2 {
  return err.message.startsWith('READONLY') ? 2 : false;
}

const ERROR_LOG_INTERVAL_MS = 10_000;
const logger = new Logger('Redis');

/**
 * Connection errors go to the service's logger, once per message per interval: while a server is down the
 * client reconnects (and errs) many times a second. Without a listener ioredis prints them unstructured.
 */
function logErrors(client: RedisClient, role: RedisRole): RedisClient {
  const lastLogged = new Map<string, number>();
  client.on('error', (err: Error) => {
    const now = Date.now();
    if (now - (lastLogged.get(err.message) ?? 0) < ERROR_LOG_INTERVAL_MS) return;
    lastLogged.set(err.message, now);
    logger.warn(`${role} connection: ${err.message}`);
  });
  return client;
}

/** Closes a client, waiting for its replies when it can, dropping the connection when it cannot. */
export async function closeRedis(client: RedisClient): Promise<void> {
  if (client.status === 'end') return;
  await client.quit().catch(() => client.disconnect());
}
