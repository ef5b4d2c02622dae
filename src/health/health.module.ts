import { Module } from '@nestjs/common';
import { registerQueue, SMS_QUEUE } from '../infra/queues.js';
import { HealthController } from './health.controller.js';

@Module({ imports: [registerQueue(SMS_QUEUE)], controllers: [HealthController] })
export class HealthModule {}
