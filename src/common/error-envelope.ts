import { HttpException, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { QueryFailedError } from 'typeorm';
import { AppError, Errors } from './app-error.js';

export interface ErrorBody {
  code: number;
  error: { reason: string; message: string; fields?: Record<string, string>; reference?: string };
}

const logger = new Logger('Errors');

/** Maps any thrown value (ours, Nest's, Fastify's) to an AppError; unknown ones become a 500 with a reference. */
// PostgreSQL data exceptions caused by a client's value: NUL or untranslatable characters, too long, bad
// number, date or uuid text. Validation should catch them first; this keeps any gap a 400, never a 500.
const REJECTED_INPUT = new Set(['22021', '22P05', '22001', '22003', '22007', '22008', '22P02']);

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof QueryFailedError && REJECTED_INPUT.has((err.driverError as { code?: string }).code ?? '')) {
    return Errors.badRequest('invalid_parameters', 'A value contains characters or a format that cannot be stored');
  }
  const status = statusOf(err);
  if (status === 413) return Errors.payloadTooLarge();
  if (status === 404) return Errors.notFound('route_not_found', 'No such route');
  if (status === 415) return new AppError(415, 10100, 'unsupported_media_type', 'Send JSON (application/json)');
  if (status === 405) return new AppError(405, 10100, 'method_not_allowed', 'Method not allowed');
  if (status !== undefined && status >= 400 && status < 500) {
    const fastifyCode = (err as { code?: string }).code ?? '';
    if (fastifyCode.includes('JSON') || /JSON/i.test(String((err as Error).message))) {
      return Errors.badRequest('malformed_json', 'The body is not valid JSON');
    }
    return Errors.badRequest('bad_request', 'The request is not valid');
  }
  return Errors.internal();
}

export function renderError(err: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
  const appError = toAppError(err);
  const body: ErrorBody = {
    code: appError.code,
    error: { reason: appError.reason, message: appError.message },
  };
  if (appError.extra.fields) body.error.fields = appError.extra.fields;
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

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
