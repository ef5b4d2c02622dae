/** `npm run migration:run`: applies pending migrations (to the embedded database too when DATABASE_URL is unset). */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/config.js';
import { prepareRuntime } from '../infra/runtime.js';
import { exitOnConfigError } from '../process.js';
import { dataSourceOptions } from './data-source-options.js';

async function main(): Promise<void> {
  const runtime = await prepareRuntime({ ...loadConfig(), redisSpawn: true }, { database: true });
  const db = await new DataSource(dataSourceOptions(runtime.config)).initialize();
  const applied = await db.runMigrations({ transaction: 'each' });
  new Logger('Migrations').log(
    applied.length ? `applied: ${applied.map((m) => m.name).join(', ')}` : 'nothing to apply',
  );
  await db.destroy();
  await runtime.stop();
}

main().catch(exitOnConfigError);
