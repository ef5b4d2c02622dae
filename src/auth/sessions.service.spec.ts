import { jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { loadConfig } from '../config/config.js';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';
import { SessionRevocations } from './session-revocations.js';
import { SessionsService } from './sessions.service.js';

// The SQL runs against a fake; the revocation markers against the real Redis (database 14).
const redis = new Redis('redis://127.0.0.1:6379/14');
const revocations = new SessionRevocations(redis, loadConfig({}));
afterAll(() => redis.quit());

const meta = { ip: '1.2.3.4', userAgent: null };
const CURRENT = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const user = { id: 'u1', sessionId: CURRENT };

function setup(answers: unknown[] = []) {
  const query = jest.fn(async (_sql: string, _params: unknown[]) => answers.shift());
  const db = { query, manager: { query } };
  const audit = { record: jest.fn(async () => undefined) };
  const service = new SessionsService(new RefreshTokensRepository(db as never), revocations, audit as never);
  return { service, db, audit };
}

const family = () => `${Math.random()}`;

describe('SessionsService', () => {
  it('lists families with their first and newest token, marking the current one', async () => {
    const row = (id: string, first: string, last: string) => ({
      id,
      created_at: new Date(first),
      last_used_at: new Date(last),
      ip: '9.9.9.9',
      user_agent: 'ua',
    });
    const { service, db } = setup([
      [
        row(OTHER, '2025-01-02T00:00:00Z', '2025-01-03T00:00:00Z'),
        row(CURRENT, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'),
      ],
    ]);
    await expect(service.list(user)).resolves.toEqual([
      {
        id: OTHER,
        created_at: '2025-01-02T00:00:00.000Z',
        last_used_at: '2025-01-03T00:00:00.000Z',
        ip: '9.9.9.9',
        user_agent: 'ua',
        current: false,
      },
      {
        id: CURRENT,
        created_at: '2025-01-01T00:00:00.000Z',
        last_used_at: '2025-01-01T00:00:00.000Z',
        ip: '9.9.9.9',
        user_agent: 'ua',
        current: true,
      },
    ]);
    expect(db.query.mock.calls[0][0]).toMatch(
      /HAVING bool_or\(used_at IS NULL AND revoked_at IS NULL AND expires_at > now\(\)\)/,
    );
    expect(db.query.mock.calls[0][1]).toEqual(['u1']);
  });

  it('revokes one live session of the user, marks it ended and records it', async () => {
    const id = OTHER;
    await redis.del(`session:revoked:${id}`);
    const { service, db, audit } = setup([[[{ id: 't1' }], 1]]);
    await service.revoke(user, id, meta);
    expect(db.query.mock.calls[0][1]).toEqual(['u1', id]);
    await expect(revocations.isRevoked(id)).resolves.toBe(true);
    expect(audit.record).toHaveBeenCalledWith('session_revoked', 'u1', meta, { scope: 'one', current: false });
  });

  it('answers 404 for a session that is not a live one of the user, marking nothing', async () => {
    const id = '33333333-3333-4333-8333-333333333333';
    await redis.del(`session:revoked:${id}`);
    const { service, audit } = setup([[[], 0]]);
    await expect(service.revoke(user, id, meta)).rejects.toMatchObject({ status: 404, reason: 'session_not_found' });
    await expect(revocations.isRevoked(id)).resolves.toBe(false);
    expect(audit.record).not.toHaveBeenCalled();
  });

  it.each(['abc', `${OTHER}x`, "'; DROP TABLE users; --", ''])(
    'answers 404 for %p without asking the database',
    async (id) => {
      const { service, db } = setup();
      await expect(service.revoke(user, id, meta)).rejects.toMatchObject({ status: 404 });
      expect(db.query).not.toHaveBeenCalled();
    },
  );

  it('`all` revokes every family but the current one, marks each ended and counts the sessions', async () => {
    const [a, b] = [family(), family()];
    const { service, db, audit } = setup([[[{ family_id: a }, { family_id: a }, { family_id: b }], 3]]);
    await service.revoke(user, 'all', meta);
    expect(db.query.mock.calls[0][1]).toEqual(['u1', CURRENT]);
    await expect(revocations.isRevoked(a)).resolves.toBe(true);
    await expect(revocations.isRevoked(b)).resolves.toBe(true);
    await expect(revocations.isRevoked(CURRENT)).resolves.toBe(false);
    expect(audit.record).toHaveBeenCalledWith('session_revoked', 'u1', meta, { scope: 'others', count: 2 });
  });

  it('endAll without a family to keep revokes everything on the given manager; ended marks them afterwards', async () => {
    const a = family();
    const { service, db } = setup();
    const manager = { query: jest.fn(async () => [[{ family_id: a }], 1]) };
    await expect(service.endAll('u1', null, manager as never)).resolves.toEqual([a]);
    expect(manager.query.mock.calls[0]).toEqual([expect.stringContaining('UPDATE refresh_tokens'), ['u1', null]]);
    expect(db.query).not.toHaveBeenCalled();
    await expect(revocations.isRevoked(a)).resolves.toBe(false);
    await service.ended([a]);
    await expect(revocations.isRevoked(a)).resolves.toBe(true);
  });
});
