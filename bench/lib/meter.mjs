// What a scenario cost, divided by the requests it served: CPU time of the server processes (/proc), Redis
// commands (INFO commandstats, the whole server: nothing else runs during a measured bench), PostgreSQL
// transactions and rows (pg_stat_database of the bench database). These feed docs/capacity.md.
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import { sleep } from './load.mjs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function cpuMs(pid) {
  // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), counted after the parenthesised command name.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

async function redisStats(clients) {
  const counts = {};
  for (const client of clients) {
    const info = await client.info('commandstats');
    for (const [, name, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      counts[name] = (counts[name] ?? 0) + Number(calls);
    }
  }
  return counts;
}

async function pgStats(pool, database) {
  const { rows } = await pool.query(
    `SELECT xact_commit + xact_rollback AS xacts, tup_returned, tup_fetched,
            tup_inserted + tup_updated + tup_deleted AS written
       FROM pg_stat_database WHERE datname = $1`,
    [database],
  );
  return Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
}

/**
 * `redisNodes`: the servers to read INFO from (one, or each cluster master). The meter's own INFO calls are
 * subtracted (`info` is never a command of the service).
 */
export async function createMeter({ databaseUrl, redisNodes }) {
  const database = new URL(databaseUrl).pathname.slice(1);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  const clients = redisNodes.map((n) => new Redis({ ...n, lazyConnect: false }));
  const snapshot = async (pids) => ({
    cpu: pids.map(cpuMs),
    redis: await redisStats(clients),
    pg: await pgStats(pool, database),
  });
  return {
    /** Runs `work` (which returns { requests, providerCalls? }) and returns its per-request cost. */
    async measure(pids, work, { settleBefore = true } = {}) {
      if (settleBefore) await sleep(1200); // PostgreSQL backends publish their counters at most once a second
      const before = await snapshot(pids);
      const result = await work();
      await sleep(1200);
      const after = await snapshot(pids);
      const n = result.requests;
      const per = (x) => Number((x / n).toFixed(3));
      const commands = Object.fromEntries(
        Object.keys(after.redis)
          .filter((k) => k !== 'info' && after.redis[k] - (before.redis[k] ?? 0) > 0)
          .map((k) => [k, after.redis[k] - (before.redis[k] ?? 0)]),
      );
      const totalCommands = Object.values(commands).reduce((a, b) => a + b, 0);
      const byCommand = Object.entries(commands)
        .filter(([, c]) => c / n >= 0.01)
        .sort(([, a], [, b]) => b - a)
        .map(([k, c]) => `${k} ${per(c)}`)
        .join(', ');
      const cost = {
        requests: n,
        cpuMs: per(after.cpu.reduce((a, b) => a + b, 0) - before.cpu.reduce((a, b) => a + b, 0)),
        redisCommands: per(totalCommands),
        redisByCommand: byCommand,
        // The meter's own query is one transaction per snapshot, reading one row.
        pgXacts: per(after.pg.xacts - before.pg.xacts - 1),
        pgRowsRead: per(after.pg.tup_fetched - before.pg.tup_fetched - 1),
        pgRowsWritten: per(after.pg.written - before.pg.written),
        providerCalls: result.providerCalls === undefined ? undefined : per(result.providerCalls),
      };
      return { result, cost };
    },
    async close() {
      await pool.end();
      clients.forEach((c) => c.disconnect());
    },
  };
}
