import { randomUUID } from 'node:crypto';
import { HttpException, Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { AppError, CATALOGUE, fail, languageOf, ProviderError, providerErrorToAppError } from './errors/index.js';

export interface ErrorBody {
  code: number;
  error: {
    reason: string;
    message: string;
    fields?: Record<string, string>;
    challenge?: unknown;
    reference?: string;
  };
}

const logger = new Logger('Errors');

/** Maps any thrown value (ours, Nest's, Fastify's) to an AppError; unknown ones become a 500 with a reference. */
// PostgreSQL data exceptions caused by a client's value: NUL or untranslatable characters, too long, bad
// number, date or uuid text. Validation should catch them first; this keeps any gap a 400, never a 500.
const REJECTED_INPUT = new Set(['22021', '22P05', '22001', '22003', '22007', '22008', '22P02']);

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ProviderError) return providerErrorToAppError(err);
  if (err instanceof QueryFailedError && REJECTED_INPUT.has((err.driverError as { code?: string }).code ?? '')) {
    return fail('invalid_parameters');
  }
  const status = statusOf(err);
  if (status === 413) return fail('payload_too_large');
  if (status === 404) return fail('route_not_found');
  if (status === 415) return fail('unsupported_media_type');
  if (status === 405) return fail('method_not_allowed');
  if (status !== undefined && status >= 400 && status < 500) {
    const fastifyCode = (err as { code?: string }).code ?? '';
    if (fastifyCode.includes('JSON') || /JSON/i.test(String((err as Error).message))) {
      return fail('malformed_json');
    }
    return fail('bad_request');
  }
  return fail('internal_error');
}

/** The envelope of docs/errors.md, its message in the client's language (`Accept-Language`). */
export function renderError(
  err: unknown,
  acceptLanguage?: string,
): { status: number; body: ErrorBody; headers: Record<string, string> } {
  const appError = toAppError(err);
  const body: ErrorBody = {
    code: appError.code,
    error: { reason: appError.reason, message: CATALOGUE[appError.reason].message[languageOf(acceptLanguage)] },
  };
  if (appError.extra.fields) body.error.fields = appError.extra.fields;
  if (appError.extra.challenge !== undefined) body.error.challenge = appError.extra.challenge;
  if (appError.status >= 500 && appError.code === 10199) {
    body.error.reference = randomUUID();
    logger.error(`unexpected error ref=${body.error.reference}: ${describe(err)}`);
  }
  const headers: Record<string, string> = {};
  if (appError.extra.retryAfter !== undefined) headers['retry-after'] = String(Math.max(1, appError.extra.retryAfter));
  return { status: appError.status, body, headers };
}

function statusOf(err: unknown): number | undefined {
  if (err instanceof HttpException) return err.getStatus();
  const status = (err as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** A failed statement is told by its SQLSTATE and constraint, never its message, which may quote values. */
function describe(err: unknown): string {
  if (err instanceof QueryFailedError) {
    const { code, constraint, table } = err.driverError as { code?: string; constraint?: string; table?: string };
    return `query failed: SQLSTATE ${code ?? '?'} ${constraint ?? ''} ${table ?? ''}`.trim();
  }
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
