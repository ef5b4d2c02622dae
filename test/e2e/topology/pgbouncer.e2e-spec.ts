/**
 * The API through PgBouncer in transaction mode (npm run test:e2e:pgbouncer, which also runs the journey
 * through it): server connections are handed out per transaction, so session state or named prepared
 * statements would break. Concurrent sign-ups and sessions run through it, and its admin console shows the
 * API's traffic in a transaction pool.
 */
import pg from 'pg';
import { call, closeClients, register, sql, stack } from '../../support/client.js';
import { describeOn } from './topology.js';

afterAll(closeClients);

async function admin<T>(command: string): Promise<T[]> {
  const url = new URL(stack.env.DATABASE_URL);
  url.pathname = '/pgbouncer';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    // The admin console speaks the simple query protocol only.
    return (await client.query({ text: command, queryMode: 'simple' } as pg.QueryConfig)).rows as T[];
  } finally {
    await client.end();
  }
}

describeOn('pgbouncer')('the API behind PgBouncer in transaction mode', () => {
  it('serves concurrent registrations, sign-ins and session lists through a transaction pool', async () => {
    const config = await admin<{ key: string; value: string }>('SHOW CONFIG');
    expect(config.find((c) => c.key === 'pool_mode')?.value).toBe('transaction');

    const accounts = await Promise.all([0, 1, 2, 3].map(() => register()));
    expect(accounts.map((a) => a.answer.status)).toEqual([201, 201, 201, 201]);
    const logins = await Promise.all(
      accounts.map((a) => call('POST', '/v1/tokens', { account: a.username, password: a.password })),
    );
    expect(logins.map((l) => l.status)).toEqual([200, 200, 200, 200]);
    const lists = await Promise.all(
      logins.map((l) => call('GET', '/v1/users/me/sessions', undefined, { token: l.body.data.token })),
    );
    expect(lists.map((l) => l.body.data.sessions.length)).toEqual([2, 2, 2, 2]);
    const rows = await sql(`SELECT count(*)::int AS n FROM users WHERE username = ANY($1)`, [
      accounts.map((a) => a.username),
    ]);
    expect(rows[0].n).toBe(4);

    const stats = await admin<{ database: string; total_xact_count: string }>('SHOW STATS');
    const database = new URL(stack.env.DATABASE_URL).pathname.slice(1);
    expect(Number(stats.find((s) => s.database === database)?.total_xact_count)).toBeGreaterThan(10);
  });
});
