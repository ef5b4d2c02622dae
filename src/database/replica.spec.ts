import pg from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/config.js';
import { dataSourceOptions } from './data-source-options.js';
import { onReplica } from './replica.js';

// Two scratch databases on the local PostgreSQL stand in for a primary and its replica: each says which it is.
const ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
const names = { primary: `replica_spec_${process.pid}_p`, replica: `replica_spec_${process.pid}_r` };
const url = (name: string) => `postgres://postgres@127.0.0.1:5432/${name}`;
let db: DataSource;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN });
  await client.connect();
  await client.query(sql);
  await client.end();
}

beforeAll(async () => {
  for (const [role, name] of Object.entries(names)) {
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin(`CREATE DATABASE "${name}"`);
    const client = new pg.Client({ connectionString: url(name) });
    await client.connect();
    await client.query(`CREATE TABLE whoami AS SELECT '${role}'::text AS role`);
    await client.end();
  }
  const config = loadConfig({
    DATABASE_URL: url(names.primary),
    DATABASE_REPLICA_URLS: url(names.replica),
    DB_POOL_MAX: '3',
    DB_STATEMENT_TIMEOUT_MS: '1000',
  });
  db = await new DataSource(dataSourceOptions(config)).initialize();
});

afterAll(async () => {
  await db?.destroy();
  for (const name of Object.values(names)) await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
});

describe('primary and replicas (DATABASE_REPLICA_URLS)', () => {
  it('reads and writes the primary by default', async () => {
    expect(await db.query('SELECT role FROM whoami')).toEqual([{ role: 'primary' }]);
    expect(await db.manager.query('SELECT role FROM whoami')).toEqual([{ role: 'primary' }]);
  });

  it('reads a replica only where a caller asks for one', async () => {
    expect(await onReplica(db, (m) => m.query('SELECT role FROM whoami'))).toEqual([{ role: 'replica' }]);
  });

  it('stops a statement at DB_STATEMENT_TIMEOUT_MS', async () => {
    await expect(db.query('SELECT pg_sleep(3)')).rejects.toThrow(/statement timeout/);
  });
});
