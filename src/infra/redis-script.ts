import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-factory.js';

export type ScriptRunner = (redis: RedisClient, keys: string[], args: Array<string | number>) => Promise<unknown>;

/**
 * A Lua script sent by SHA (EVALSHA), loading it with EVAL on a server that answers NOSCRIPT. On a Cluster
 * the client sends it to the node owning its first key, and each node loads it on first use. A script must
 * be cluster-safe (docs/scale-out.md): every key it touches passed in `keys`, all sharing one hash tag.
 * (`defineCommand` would do the same, but its commands break ioredis' auto-pipelining, which the service
 * client uses.)
 */
export function redisScript(lua: string): ScriptRunner {
  const sha = createHash('sha1').update(lua).digest('hex');
  return async (redis, keys, args) => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!String(err).includes('NOSCRIPT')) throw err;
      return redis.eval(lua, keys.length, ...keys, ...args);
    }
  };
}

/** Compare-and-delete: deletes the key only while it still holds `ARGV[1]` (never someone else's newer value). */
export const deleteIfEquals = redisScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
);
