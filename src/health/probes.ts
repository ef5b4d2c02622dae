import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';

export type ProbeState = 'up' | 'down';

/** Each probe's own limit: one hung dependency never holds up the answer for longer than this. */
export const PROBE_TIMEOUT_MS = 2000;

/** Runs every probe at once, each with its own timeout; a probe that throws or times out is `down`. */
export async function probeAll(
  checks: Record<string, () => Promise<unknown>>,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<Record<string, ProbeState>> {
  const names = Object.keys(checks);
  const states = await Promise.all(names.map((name) => probe(checks[name], timeoutMs)));
  return Object.fromEntries(names.map((name, i) => [name, states[i]]));
}

async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<ProbeState> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs)),
  );
  try {
    await Promise.race([check(), timeout]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

/** Redis' `maxmemory-policy`, read from INFO (CONFIG is often disabled on managed Redis). */
export async function evictionPolicy(redis: Redis): Promise<string> {
  const info = await redis.info('memory');
  return /^maxmemory_policy:(\S+)/m.exec(info)?.[1] ?? 'unknown';
}

/**
 * Codes, limits, sessions and queued jobs live in Redis: a policy that evicts keys under memory pressure
 * silently drops them (docs/operations.md), so anything but `noeviction` fails readiness.
 */
export async function requireNoEviction(redis: Redis): Promise<void> {
  const policy = await evictionPolicy(redis);
  if (policy !== 'noeviction') throw new Error(`maxmemory-policy is ${policy}`);
}

/** The start-up warning for the same rule; never blocks start-up. */
export function warnUnlessNoEviction(redis: Redis, logger: Logger): void {
  evictionPolicy(redis).then(
    (policy) => {
      if (policy !== 'noeviction')
        logger.warn(`Redis maxmemory-policy is ${policy}: set noeviction, or keys (codes, limits, jobs) may vanish`);
    },
    () => undefined,
  );
}
