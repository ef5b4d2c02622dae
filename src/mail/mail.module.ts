import { Module } from '@nestjs/common';
import { MAIL_QUEUE, registerQueue } from '../infra/queues.js';
import { MailProcessor } from './mail.processor.js';
import { Mailer } from './mailer.js';
import { Mails } from './mails.js';

const queue = registerQueue(MAIL_QUEUE);

/** API side: mails are only queued here. */
@Module({ imports: [queue], providers: [Mails], exports: [Mails] })
export class MailModule {}

/** Worker side: the `mail` queue consumer and the SMTP gateway. No database. */
@Module({ imports: [queue], providers: [MailProcessor, Mailer] })
export class MailDeliveryModule {}
