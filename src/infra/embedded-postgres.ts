import { Logger } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const logger = new Logger('EmbeddedPostgres');

/**
 * Development default when DATABASE_URL is unset: PGlite (PostgreSQL compiled to WASM) served over the
 * PostgreSQL wire protocol, so the normal `pg` driver, TypeORM and the same migrations work unchanged.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const dir = dataDir === 'memory://' ? dataDir : resolve(dataDir, 'pglite');
  if (dir !== 'memory://') mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  logger.warn(`DATABASE_URL is unset: using the embedded PostgreSQL (PGlite) in ${dir}. Set DATABASE_URL for real use.`);
  return {
    url,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
