import { Module } from '@nestjs/common';
import { MAIL_QUEUE, registerQueue } from '../infra/queues.js';
import { UsersModule } from '../users/users.module.js';
import { ActivationController } from './activation.controller.js';
import { ActivationService } from './activation.service.js';
import { ActivationStore } from './activation.store.js';
import { MailProcessor } from './mail.processor.js';
import { Mailer } from './mailer.js';

const queue = registerQueue(MAIL_QUEUE);

/** API side: activation codes and routes; mails are only enqueued here. */
@Module({
  imports: [queue, UsersModule],
  controllers: [ActivationController],
  providers: [ActivationService, ActivationStore],
  exports: [ActivationService],
})
export class MailModule {}

/** Worker side: the `mail` queue consumer and the SMTP gateway. No database. */
@Module({
  imports: [queue],
  providers: [MailProcessor, Mailer],
})
export class MailDeliveryModule {}
