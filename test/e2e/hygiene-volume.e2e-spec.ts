/**
 * How long one purge run takes for 100,000 expired refresh tokens (printed, never asserted: timings depend
 * on the machine). The figure goes into docs/operations.md.
 */
import { jest } from '@jest/globals';
import { closeClients, register, sql } from '../support/client.js';
import { runPurge, startOwn, type Own } from './hygiene-support.js';

jest.setTimeout(180_000);
const ROWS = 100_000;
let own: Own;

beforeAll(async () => {
  own = await startOwn();
});
afterAll(async () => {
  await own?.stop();
  await closeClients();
});

it('purges 100,000 expired refresh tokens in one run', async () => {
  const user = await register();
  const [{ id: userId }] = await sql('SELECT id FROM users WHERE username = $1', [user.username]);
  await sql(
    `INSERT INTO refresh_tokens (user_id, family_id, token_hash, session_started_at, expires_at)
     SELECT $1, gen_random_uuid(), encode(gen_random_bytes(32), 'hex'), now() - interval '60 days',
            now() - interval '1 day' - n * interval '1 second'
       FROM generate_series(1, $2) AS n`,
    [userId, ROWS],
  );
  await sql('ANALYZE refresh_tokens');
  const { report, ms } = await runPurge(own);
  console.log(`purge of ${ROWS} expired refresh tokens: ${ms} ms, report ${JSON.stringify(report)}`);
  expect(report.refresh_tokens).toBeGreaterThanOrEqual(ROWS);
  expect(await sql('SELECT 1 FROM refresh_tokens WHERE user_id = $1 AND expires_at < now()', [userId])).toEqual([]);
});
