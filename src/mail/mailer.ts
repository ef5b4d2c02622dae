import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { AppConfig } from '../config/config.js';
import { classifySmtpError } from './mail.errors.js';
import type { MailMessage } from './mail.templates.js';

/** For logs: `xi***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? '***' : `${email.slice(0, Math.min(2, at))}***${email.slice(at)}`;
}

const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000, dnsTimeout: 10_000 };

/** The only code that talks to the mail server. Throws MailDeliveryError (transient or permanent). */
@Injectable()
export class Mailer implements OnModuleDestroy {
  private readonly logger = new Logger('Mailer');
  private transport?: Transporter;

  constructor(private readonly config: AppConfig) {}

  /** `messageId` is stable across retries, so a receiver can drop the copy of a retried send. */
  async send(message: MailMessage, messageId?: string): Promise<void> {
    if (this.config.mail.driver === 'log') return this.print(message);
    try {
      await this.smtp().sendMail({ from: this.config.mail.from, ...message, messageId });
    } catch (err) {
      throw classifySmtpError(err);
    }
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }

  private smtp(): Transporter {
    this.transport ??= createTransport({ url: this.config.mail.smtpUrl, ...TIMEOUTS });
    return this.transport;
  }

  private print(message: MailMessage): void {
    if (this.config.env === 'production') {
      this.logger.warn(`[MAIL_DRIVER=log] mail to ${maskEmail(message.to)} not sent: configure SMTP_URL`);
      return;
    }
    // Development only: the mail (and its link) is printed so a developer can follow it.
    this.logger.log(`[MAIL_DRIVER=log] to ${maskEmail(message.to)}: ${message.subject}\n${message.text}`);
  }
}
