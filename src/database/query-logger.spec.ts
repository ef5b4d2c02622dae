import { Writable } from 'node:stream';
import { pino } from 'pino';
import { QueryFailedError } from 'typeorm';
import { maskSql, QueryLogger } from './query-logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: new QueryLogger(pino({ level: 'debug' }, stream)), lines };
}

describe('QueryLogger', () => {
  it('logs a failed query with SQL state, constraint and table, never its parameters, message or detail', () => {
    const { logger, lines } = capture();
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint "users_phone_key"'), {
      code: '23505',
      constraint: 'users_phone_key',
      table: 'users',
      detail: 'Key (phone)=(+8613800138000) already exists.',
    });
    const params = ['xiaoming', '+8613800138000', '$argon2id$v=19$m=19456'];
    const sql = 'INSERT INTO "users"("username", "phone", "password_hash") VALUES ($1, $2, $3)';
    logger.logQueryError(new QueryFailedError(sql, params, driverError), sql);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]);
    expect(line).toMatchObject({ level: 40, context: 'Database', sqlState: '23505', constraint: 'users_phone_key' });
    expect(line.table).toBe('users');
    for (const secret of [...params, 'already exists', 'duplicate key']) expect(lines[0]).not.toContain(secret);
  });

  it('masks string literals a statement carried inline', () => {
    expect(maskSql(`SELECT 1 FROM users WHERE phone = '+8613800138000' AND note = 'it''s'`)).toBe(
      `SELECT 1 FROM users WHERE phone = '?' AND note = '?'`,
    );
  });
});
