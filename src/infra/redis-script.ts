import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';

export type ScriptRunner = (redis: Redis, keys: string[], args: Array<string | number>) => Promise<unknown>;

/** A Lua script sent by SHA (EVALSHA), loading it once with EVAL when Redis does not know it yet. */
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
