import type { Logger as PinoLogger } from 'pino';
import type { Logger as TypeOrmLogger } from 'typeorm';

/** The fields of a PostgreSQL error that name what failed without repeating any value. */
interface DriverErrorFields {
  code?: string;
  constraint?: string;
  table?: string;
  column?: string;
  schema?: string;
  routine?: string;
}

const SQL_MAX_CHARS = 300;

/**
 * TypeORM's logger on the service's pino logger. A failed query is logged with its SQL state, constraint,
 * table and column, and the statement with string literals masked; never its parameters, nor PostgreSQL's
 * message or detail, which quote the offending value ("Key (username)=(alice) already exists").
 */
export class QueryLogger implements TypeOrmLogger {
  constructor(private readonly logger: PinoLogger) {}

  logQueryError(error: string | Error, query: string): void {
    const fields = typeof error === 'string' ? {} : driverFields(error);
    this.logger.warn(
      { context: 'Database', ...fields, sql: maskSql(query) },
      `query failed${fields.sqlState ? ` (SQLSTATE ${fields.sqlState})` : ''}`,
    );
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ context: 'Database', durationMs: time, sql: maskSql(query) }, 'slow query');
  }

  logMigration(message: string): void {
    this.logger.info({ context: 'Migrations' }, message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    const text = String(message);
    if (level === 'warn') this.logger.warn({ context: 'Database' }, text);
    else this.logger.debug({ context: 'Database' }, text);
  }

  logQuery(): void {}
  logSchemaBuild(): void {}
}

function driverFields(error: Error): Record<string, string> {
  const driver = ((error as { driverError?: unknown }).driverError ?? error) as DriverErrorFields;
  const picked = {
    sqlState: driver.code,
    constraint: driver.constraint,
    table: driver.table,
    column: driver.column,
    schema: driver.schema,
    routine: driver.routine,
  };
  return Object.fromEntries(Object.entries(picked).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

/** String literals become '?' so a statement that inlined a value cannot leak it. */
export function maskSql(query: string): string {
  return query
    .replace(/'(?:[^']|'')*'/g, "'?'")
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, SQL_MAX_CHARS);
}
