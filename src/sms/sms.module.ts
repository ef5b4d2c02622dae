import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { CaptchaModule } from '../captcha/captcha.module.js';
import { SMS_QUEUE } from '../infra/queues.js';
import { RonglianClient } from './ronglian.client.js';
import { SmsCodeController } from './sms-code.controller.js';
import { SmsCodeService } from './sms-code.service.js';
import { SmsRequestStore } from './sms-request.store.js';
import { SmsProcessor } from './sms.processor.js';
import { SmsSender } from './sms.sender.js';

const queue = BullModule.registerQueue({ name: SMS_QUEUE });

/** API side: issue and verify codes, enqueue their delivery. */
@Module({
  imports: [queue, CaptchaModule],
  controllers: [SmsCodeController],
  providers: [SmsCodeService, SmsRequestStore],
  exports: [SmsCodeService],
})
export class SmsModule {}

/** Worker side: the `sms` queue consumer and the Ronglian gateway. */
@Module({
  imports: [queue],
  providers: [SmsProcessor, SmsSender, RonglianClient, SmsRequestStore],
})
export class SmsDeliveryModule {}
