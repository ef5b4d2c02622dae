/**
 * Failed SQL reaches the API's JSON log with its SQL state, constraint and table, and without any value:
 * two registrations race on one username so PostgreSQL's unique index, not the early check, refuses one.
 */
import { readFileSync } from 'node:fs';
import { call, closeClients, newPhone, newUsername, requestCode, stack, until } from '../support/client.js';

afterAll(closeClients);

const apiLog = () => readFileSync((stack as { apiLog?: string }).apiLog ?? '', 'utf8');
const queryFailures = () =>
  apiLog()
    .split('\n')
    .filter((line) => line.includes('"context":"Database"') && line.includes('query failed'));

describe('failed queries in the log', () => {
  it('logs a unique violation with state, constraint and table, and none of the values', async () => {
    const before = queryFailures().length;
    const username = newUsername();
    const values: string[] = [username];
    let statuses: number[] = [];
    // The early "taken" check usually lets both through (both hash first); retry the rare run where it did not.
    for (let attempt = 0; attempt < 5 && queryFailures().length === before; attempt++) {
      const bodies = await Promise.all(
        [0, 1].map(async (i) => {
          const phone = newPhone();
          const email = `${username}.${attempt}${i}@example.com`;
          values.push(phone, email);
          return { username, password: 'correct horse battery', phone, email, verify: await requestCode(phone) };
        }),
      );
      statuses = (await Promise.all(bodies.map((b) => call('POST', '/v1/users', b)))).map((a) => a.status);
    }
    expect(statuses.sort()).toEqual([201, 409]);
    const lines = await until(async () => {
      const found = queryFailures().slice(before);
      return found.length > 0 && found;
    }, 'the failed query in the API log');
    expect(JSON.parse(lines[0])).toMatchObject({ level: 40, sqlState: '23505', table: 'users' });
    expect(JSON.parse(lines[0]).constraint).toMatch(/username/);
    const output = apiLog();
    for (const value of values) {
      expect(output).not.toContain(value);
      expect(output).not.toContain(value.replace(/^\+86/, ''));
    }
    expect(output).not.toContain('$argon2id$');
  });
});
