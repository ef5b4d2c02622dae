import { Module } from '@nestjs/common';
import { CaptchaModule } from '../captcha/captcha.module.js';
import { SecretBox } from '../common/secret-box.js';
import { AppConfig } from '../config/config.js';
import { registerQueue, SMS_QUEUE } from '../infra/queues.js';
import { AliyunSmsClient } from './aliyun-sms.client.js';
import { LogSmsProvider } from './log-sms.provider.js';
import { RonglianClient } from './ronglian.client.js';
import { SmsCodeController } from './sms-code.controller.js';
import { SmsCodeService } from './sms-code.service.js';
import { SmsJobs } from './sms-jobs.js';
import { SmsNotices } from './sms-notices.js';
import { SMS_PROVIDER, type SmsProvider } from './sms-provider.js';
import { SmsRequestStore } from './sms-request.store.js';
import { SmsProcessor } from './sms.processor.js';
import { SmsSender } from './sms.sender.js';
import { TencentSmsClient } from './tencent-sms.client.js';

const queue = registerQueue(SMS_QUEUE);

/** `SMS_DRIVER` picks the gateway; nothing else knows which one it is. */
const provider = {
  provide: SMS_PROVIDER,
  inject: [AppConfig],
  useFactory: (config: AppConfig): SmsProvider => {
    switch (config.sms.driver) {
      case 'ronglian':
        return new RonglianClient(config);
      case 'aliyun':
        return new AliyunSmsClient(config);
      case 'tencent':
        return new TencentSmsClient(config);
      case 'log':
        return new LogSmsProvider();
    }
  },
};

/** API side: issue and verify codes, enqueue their delivery and security notices. */
@Module({
  imports: [queue, CaptchaModule],
  controllers: [SmsCodeController],
  providers: [SmsCodeService, SmsRequestStore, SmsJobs, SmsNotices, SecretBox],
  exports: [SmsCodeService, SmsNotices],
})
export class SmsModule {}

/** Worker side: the `sms` queue consumer and the configured gateway. */
@Module({
  imports: [queue],
  providers: [SmsProcessor, SmsSender, SmsJobs, SmsRequestStore, SecretBox, provider],
})
export class SmsDeliveryModule {}
