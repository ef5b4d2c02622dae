import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { IdentitiesService } from '../identities/identities.service.js';

export interface ResealReport {
  resealed: number;
  /** Sealed under a key version no longer configured: they stay as they are. */
  unreadable: number;
}

const FIRST_ID = '00000000-0000-0000-0000-000000000000';
const BATCH = 500;

/** `npm run reseal`: every sealed credential under ENCRYPTION_KEY_VERSION, so older keys can go. */
@Injectable()
export class ResealService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly identities: IdentitiesService,
  ) {}

  async run(): Promise<ResealReport> {
    if (!this.db.isInitialized) await this.db.initialize();
    const report: ResealReport = { resealed: 0, unreadable: 0 };
    for (let after: string | null = FIRST_ID; after !== null;) {
      const batch = await this.identities.resealBatch(after, BATCH);
      report.resealed += batch.resealed;
      report.unreadable += batch.unreadable;
      after = batch.lastId;
    }
    return report;
  }
}
