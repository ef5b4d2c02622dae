import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import type { AppConfig } from '../config/config.js';
import { logContext } from './log-context.js';

/**
 * Structured JSON logs. Secrets never reach them: request logs carry the path without its query string
 * (Weibo codes, activation codes), and credential-bearing fields are redacted wherever they appear.
 */
export function createRootLogger(config: AppConfig, name: string): Logger {
  return pino({
    name,
    level: config.logLevel,
    base: { pid: process.pid },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.old_password',
        '*.verify',
        '*.code',
        '*.token',
        '*.refresh_token',
        '*.bind_ticket',
        '*.access_token',
        '*.session_key',
        '*.secret',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; ip?: string; id?: string }) => ({
        method: req.method,
        path: req.url.split('?')[0],
        ip: req.ip,
      }),
    },
    mixin: () => {
      const reqId = logContext.getStore()?.reqId;
      return reqId ? { reqId } : {};
    },
  });
}

/** Nest's logger interface over pino, so framework and application lines share one format. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string) {
    this.logger.info({ context: contextOf(context) }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context: contextOf(context), trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context: contextOf(context) }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context: contextOf(context) }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context: contextOf(context) }, String(message));
  }
  fatal(message: unknown, context?: string) {
    this.logger.fatal({ context: contextOf(context) }, String(message));
  }
}

function contextOf(context: unknown): string | undefined {
  return typeof context === 'string' ? context : undefined;
}
