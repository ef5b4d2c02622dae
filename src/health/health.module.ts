import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { SMS_QUEUE } from '../infra/queues.js';
import { HealthController } from './health.controller.js';

@Module({ imports: [BullModule.registerQueue({ name: SMS_QUEUE })], controllers: [HealthController] })
export class HealthModule {}
