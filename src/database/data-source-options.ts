import type { DataSourceOptions, Logger as TypeOrmLogger } from 'typeorm';
import type { AppConfig } from '../config/config.js';
import { entities } from '../entities.js';
import { Accounts1763856000000 } from './migrations/1763856000000-Accounts.js';
import { Identities1763856100000 } from './migrations/1763856100000-Identities.js';
import { SecurityEvents1763856200000 } from './migrations/1763856200000-SecurityEvents.js';
import { Profile1763856300000 } from './migrations/1763856300000-Profile.js';
import { SessionStart1764460800000 } from './migrations/1764460800000-SessionStart.js';
import { ForgetWechatSessionKeys1764460900000 } from './migrations/1764460900000-ForgetWechatSessionKeys.js';
import { VerifiedEmailUnique1764547200000 } from './migrations/1764547200000-VerifiedEmailUnique.js';
import { PurgeIndexes1764633600000 } from './migrations/1764633600000-PurgeIndexes.js';
import { RevokedFamilyIndex1764720000000 } from './migrations/1764720000000-RevokedFamilyIndex.js';

export const migrations = [
  Accounts1763856000000,
  Identities1763856100000,
  SecurityEvents1763856200000,
  Profile1763856300000,
  SessionStart1764460800000,
  ForgetWechatSessionKeys1764460900000,
  PurgeIndexes1764633600000,
  VerifiedEmailUnique1764547200000,
  RevokedFamilyIndex1764720000000,
];

/**
 * Shared by the app and the TypeORM CLI. Schema changes only ever come from `migrations`. With
 * DATABASE_REPLICA_URLS every query still goes to the primary unless a caller asks for a replica
 * (`onReplica`, docs/scale-out.md). Nothing here relies on session state or named prepared statements, so
 * it also runs behind PgBouncer in transaction mode.
 */
export function dataSourceOptions(config: AppConfig, logger?: TypeOrmLogger): DataSourceOptions {
  const pool = {
    // PGlite is single-connection underneath; one pooled client keeps its transactions correct.
    max: config.databaseEmbedded ? 1 : config.db.poolMax,
    connectionTimeoutMillis: 5000,
    ...(config.db.statementTimeoutMs ? { statement_timeout: config.db.statementTimeoutMs } : {}),
  };
  const replicas = config.databaseEmbedded ? [] : config.db.replicaUrls;
  return {
    type: 'postgres',
    ...(replicas.length
      ? {
          replication: {
            master: { url: config.databaseUrl },
            slaves: replicas.map((url) => ({ url })),
            defaultMode: 'master',
          },
        }
      : { url: config.databaseUrl }),
    entities,
    migrations,
    synchronize: false,
    uuidExtension: 'pgcrypto',
    extra: pool,
    ...(logger ? { logger, logging: ['error', 'warn', 'migration'] } : {}),
  };
}
