import { BullModule } from '@nestjs/bull';
import { AppConfig } from '../config/config.js';

export const SMS_QUEUE = 'sms';
export const MAIL_QUEUE = 'mail';

/** Bull's root connection: the same Redis as everything else, under a configurable key prefix. */
export const BullRoot = BullModule.forRootAsync({
  inject: [AppConfig],
  useFactory: (config: AppConfig) => ({ redis: config.redisUrl, prefix: config.queuePrefix }),
});
