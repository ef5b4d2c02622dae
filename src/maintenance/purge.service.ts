import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { RefreshTokensRepository } from '../auth/refresh-tokens.repository.js';
import { AppConfig } from '../config/config.js';
import { IdentitiesService } from '../identities/identities.service.js';
import { JobMetrics } from '../observability/job-metrics.js';

/** Rows each purge deleted in one run. */
export interface PurgeReport {
  refresh_tokens: number;
  identities: number;
  security_events: number;
}

/**
 * One purge run (docs/operations.md, "Purges"): each table in batches until a batch comes back short, so no
 * statement holds many locks for long. Rows another worker's purge holds are skipped, never waited for.
 */
@Injectable()
export class PurgeService {
  private readonly logger = new Logger('Purge');

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly tokens: RefreshTokensRepository,
    private readonly identities: IdentitiesService,
    private readonly audit: AuditService,
    private readonly metrics: JobMetrics,
  ) {}

  async run(): Promise<PurgeReport> {
    if (!this.db.isInitialized) await this.db.initialize();
    const { batchSize, unboundIdentityTtlSeconds, auditRetentionDays } = this.config.operations.purge;
    const report: PurgeReport = {
      refresh_tokens: await this.drain('refresh_tokens', () => this.tokens.purgeExpired(batchSize)),
      identities: await this.drain('identities', () =>
        this.identities.purgeUnbound(unboundIdentityTtlSeconds, batchSize),
      ),
      security_events: await this.drain('security_events', () =>
        this.audit.purgeOlderThan(auditRetentionDays, batchSize),
      ),
    };
    this.logger.log(`purged ${JSON.stringify(report)}`);
    return report;
  }

  private async drain(table: string, batch: () => Promise<number>): Promise<number> {
    const size = this.config.operations.purge.batchSize;
    let total = 0;
    let deleted: number;
    do {
      deleted = await batch();
      total += deleted;
    } while (deleted === size);
    this.metrics.recordPurged(table, total);
    return total;
  }
}
