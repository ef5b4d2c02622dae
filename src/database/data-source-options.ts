import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/config.js';
import { entities } from '../entities.js';
import { Accounts1763856000000 } from './migrations/1763856000000-Accounts.js';
import { Identities1763856100000 } from './migrations/1763856100000-Identities.js';
import { SecurityEvents1763856200000 } from './migrations/1763856200000-SecurityEvents.js';
import { Profile1763856300000 } from './migrations/1763856300000-Profile.js';
import { SessionStart1764460800000 } from './migrations/1764460800000-SessionStart.js';
import { ForgetWechatSessionKeys1764460900000 } from './migrations/1764460900000-ForgetWechatSessionKeys.js';
import { PurgeIndexes1764547200000 } from './migrations/1764547200000-PurgeIndexes.js';

export const migrations = [
  Accounts1763856000000,
  Identities1763856100000,
  SecurityEvents1763856200000,
  Profile1763856300000,
  SessionStart1764460800000,
  ForgetWechatSessionKeys1764460900000,
  PurgeIndexes1764547200000,
];

/** Shared by the app and the TypeORM CLI. Schema changes only ever come from `migrations`. */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.databaseUrl,
    entities,
    migrations,
    synchronize: false,
    uuidExtension: 'pgcrypto',
    // PGlite is single-connection underneath; one pooled client keeps its transactions correct.
    extra: { max: config.databaseEmbedded ? 1 : 20, connectionTimeoutMillis: 5000 },
  };
}
