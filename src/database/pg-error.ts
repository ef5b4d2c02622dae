import { QueryFailedError } from 'typeorm';

/** What PostgreSQL said about a failed statement: SQLSTATE and, for constraint violations, the constraint. */
export interface PgFailure {
  code: string;
  constraint?: string;
  table?: string;
}

export function pgFailure(err: unknown): PgFailure | null {
  if (!(err instanceof QueryFailedError)) return null;
  const { code, constraint, table } = err.driverError as { code?: string; constraint?: string; table?: string };
  return code ? { code, constraint, table } : null;
}

/** SQLSTATE names used by the services (PostgreSQL manual, appendix A). */
export const PG = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
} as const;
