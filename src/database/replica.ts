import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs a read on a replica (the primary when none is configured). Only for reads that may lag behind the
 * primary by a moment: session lists, security events (docs/scale-out.md). Anything that must see the
 * request's own writes reads the primary.
 */
export async function onReplica<T>(db: DataSource, read: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (!db.driver?.isReplicated) return read(db.manager);
  const runner = db.createQueryRunner('slave');
  try {
    return await read(runner.manager);
  } finally {
    await runner.release();
  }
}
