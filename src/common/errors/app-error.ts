import { CATALOGUE, type ErrorReason } from './catalogue.js';

export interface ErrorExtra {
  fields?: Record<string, string>;
  retryAfter?: number;
  /** A captcha challenge the client must solve before repeating the request. */
  challenge?: unknown;
}

/** A failure a client sees; the exception filter renders it from the catalogue in the envelope of docs/errors.md. */
export class AppError extends Error {
  readonly status: number;
  readonly code: number;

  constructor(
    readonly reason: ErrorReason,
    readonly extra: ErrorExtra = {},
  ) {
    const { status, code, message } = CATALOGUE[reason];
    super(message.en);
    this.status = status;
    this.code = code;
  }
}

export const fail = (reason: ErrorReason, extra?: ErrorExtra): AppError => new AppError(reason, extra);
export const invalid = (fields: Record<string, string>): AppError => new AppError('invalid_parameters', { fields });
export const limited = (reason: ErrorReason, retryAfter: number): AppError => new AppError(reason, { retryAfter });
