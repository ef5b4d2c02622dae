import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { RequestMeta } from '../common/request-context.js';
import { onReplica } from '../database/replica.js';
import { SecurityEvent, type SecurityEventType } from './security-event.entity.js';

export interface EventView {
  type: SecurityEventType;
  at: string;
  ip: string | null;
  user_agent: string | null;
  data: SecurityEvent['data'];
}

/** Writes and reads the security-event trail. A failed write is logged, never turned into a failed request. */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async record(
    type: SecurityEventType,
    userId: string | null,
    meta: RequestMeta | null,
    data: SecurityEvent['data'] = {},
    manager: EntityManager = this.db.manager,
  ): Promise<void> {
    try {
      await manager.insert(SecurityEvent, {
        type,
        userId,
        ip: meta?.ip ?? null,
        userAgent: meta?.userAgent ?? null,
        data,
      });
    } catch (err) {
      this.logger.error(`could not record ${type}: ${(err as Error).message}`);
    }
  }

  /** Deletes up to `batch` events older than `days` days; returns how many (AUDIT_RETENTION_DAYS). */
  async purgeOlderThan(days: number, batch: number): Promise<number> {
    const [, count] = await this.db.query<[unknown, number]>(
      `DELETE FROM security_events WHERE id IN (
         SELECT id FROM security_events WHERE created_at < now() - make_interval(days => $1)
          LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [days, batch],
    );
    return count;
  }

  async recent(userId: string, limit = 50): Promise<EventView[]> {
    const rows = await onReplica(this.db, (m) =>
      m.find(SecurityEvent, { where: { userId }, order: { createdAt: 'DESC' }, take: limit }),
    );
    return rows.map((e) => ({
      type: e.type,
      at: e.createdAt.toISOString(),
      ip: e.ip,
      user_agent: e.userAgent,
      data: e.data,
    }));
  }
}
