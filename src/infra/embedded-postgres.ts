import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Logger } from '@nestjs/common';

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
  const unlock = dir === 'memory://' ? () => undefined : lock(dir);
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  logger.warn(
    `DATABASE_URL is unset: using the embedded PostgreSQL (PGlite) in ${dir}. Set DATABASE_URL for real use.`,
  );
  return {
    url,
    stop: async () => {
      await server.stop();
      await db.close();
      unlock();
    },
  };
}

/**
 * PGlite has no locking of its own: two processes on one data folder silently lose writes. A pid file next to
 * it refuses a second process (a stale file from a crashed one is taken over).
 */
function lock(dir: string): () => void {
  const file = `${dir}.pid`;
  const holder = Number(readFileSafe(file));
  if (holder && holder !== process.pid && alive(holder)) {
    throw new Error(
      `The embedded database in ${dir} is in use by process ${holder} (another npm start?). ` +
        'Stop that one, or give this one its own DATA_DIR, or set DATABASE_URL.',
    );
  }
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
