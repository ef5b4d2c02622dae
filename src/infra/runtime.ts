import { AppConfig } from '../config/config.js';
import { ensureRedis } from './dev-redis.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export interface Runtime {
  config: AppConfig;
  stop: () => Promise<void>;
}

/**
 * Fills in the embedded defaults a newcomer needs (PGlite when DATABASE_URL is unset, a private Redis in
 * development) and returns the config the modules use. Production gets neither: it must be configured.
 */
export async function prepareRuntime(config: AppConfig, opts: { database: boolean }): Promise<Runtime> {
  const stops: Array<() => unknown> = [];
  let resolved: AppConfig = config;
  if (config.redis.mode === 'standalone') {
    const redis = await ensureRedis(config.redisUrl, config.redisSpawn && config.env !== 'production');
    stops.push(redis.stop);
    resolved = withRedisUrl(resolved, redis.url);
  }
  if (opts.database && !config.databaseUrl) {
    if (config.env === 'production') throw new Error('DATABASE_URL is required in production');
    const db = await startEmbeddedPostgres(config.dataDir);
    stops.push(db.stop);
    resolved = { ...resolved, databaseUrl: db.url, databaseEmbedded: true };
  }
  return {
    config: Object.freeze(resolved),
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}

/** The standalone Redis moved (a private one was started): commands, and queues unless they have their own. */
function withRedisUrl(config: AppConfig, url: string): AppConfig {
  const redis = { ...config.redis, url };
  return {
    ...config,
    redisUrl: url,
    redis,
    queueRedis: config.queueRedis === config.redis ? redis : config.queueRedis,
  };
}
