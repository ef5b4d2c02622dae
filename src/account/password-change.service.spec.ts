import { jest } from '@jest/globals';
import { fail, limited } from '../common/errors/index.js';
import { UsersService } from '../users/users.service.js';
import { AccountEvents } from './account-events.js';
import { PasswordChangeService } from './password-change.service.js';

const notices = { notify: async () => undefined };

const meta = { ip: '1.2.3.4', userAgent: 'ua' };
const auth = { id: 'u1', sessionId: 'family-1' };
const pair = { token: 'jwt', refresh_token: 'r', expires_in: 900 };

function setup(passwordHash: string | null = 'old-hash') {
  const steps: string[] = [];
  const row = { id: 'u1', username: 'xiaoming', passwordHash };
  const repo = (m: string) => ({
    update: async (where: object, set: object) => (
      steps.push(`update ${JSON.stringify(where)} ${Object.keys(set).join(',')} ${m}`),
      { affected: 1 }
    ),
  });
  const manager = { getRepository: () => repo('in transaction') };
  const qb = { addSelect: () => qb, where: () => qb, getOne: jest.fn(async (): Promise<object | null> => row) };
  const db = {
    manager: { createQueryBuilder: () => qb, getRepository: () => repo('outside') },
    transaction: jest.fn(async (work: (m: unknown) => Promise<unknown>) => {
      steps.push('begin');
      const result = await work(manager);
      steps.push('commit');
      return result;
    }),
  };
  const cache = { invalidate: jest.fn(async () => void steps.push('invalidate')) };
  const users = new UsersService(db as never, cache as never);
  const fakes = {
    hasher: { hash: jest.fn(async () => 'new-hash') },
    tokens: {
      issue: jest.fn(
        async (_u: string, _m: unknown, family: unknown, m: unknown) => (
          steps.push(`issue ${String(family)} ${m === manager}`),
          pair
        ),
      ),
    },
    sessions: {
      endAll: jest.fn(
        async (id: string, keep: string | null, m: unknown) => (
          steps.push(`endAll ${id} ${keep} ${m === manager}`),
          ['family-1', 'family-2']
        ),
      ),
      ended: jest.fn(async (ids: string[]) => void steps.push(`ended ${ids.join(',')}`)),
    },
    credentials: {
      assertPassword: jest.fn(async (_u: unknown, _a: string, p: string, _ip: string) => {
        if (p !== 'old password') throw fail('invalid_credentials');
      }),
    },
    audit: { record: jest.fn(async () => void steps.push('audit')) },
  };
  const f = fakes as Record<keyof typeof fakes, never>;
  const events = new AccountEvents(f.audit, notices as never, { noticeEmailChanged: async () => undefined } as never);
  const service = new PasswordChangeService(users, f.hasher, f.tokens, f.sessions, f.credentials, events);
  return { service, fakes, db, qb, steps };
}

describe('PasswordChangeService', () => {
  it('sets the hash, ends every session (the current one too) and starts a new one in one transaction, then ends the access tokens of all of them', async () => {
    const { service, fakes, steps } = setup();
    await expect(
      service.change(auth, { old_password: 'old password', password: 'new password!' }, meta),
    ).resolves.toEqual({ username: 'xiaoming', ...pair });
    expect(steps).toEqual([
      'begin',
      'update {"id":"u1"} passwordHash in transaction',
      'invalidate',
      'endAll u1 null true',
      'issue undefined true',
      'commit',
      'ended family-1,family-2',
      'audit',
    ]);
    expect(fakes.credentials.assertPassword).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'u1' }),
      'xiaoming',
      'old password',
      meta,
    );
    expect(fakes.audit.record).toHaveBeenCalledWith('password_changed', 'u1', meta, { first: false });
  });

  it('refuses a wrong old password with 401, counted like a login failure, changing nothing', async () => {
    const { service, db } = setup();
    await expect(service.change(auth, { old_password: 'guess', password: 'new password!' }, meta)).rejects.toEqual(
      fail('invalid_credentials'),
    );
    expect(db.transaction).not.toHaveBeenCalled();
  });

  it('checks the login limit before the password', async () => {
    const { service, fakes, db } = setup();
    fakes.credentials.assertPassword.mockRejectedValueOnce(limited('too_many_login_failures', 60));
    await expect(
      service.change(auth, { old_password: 'old password', password: 'new password!' }, meta),
    ).rejects.toMatchObject({ status: 429 });
    expect(db.transaction).not.toHaveBeenCalled();
  });

  it('needs the old password when there is one (400 naming it)', async () => {
    const { service } = setup();
    await expect(service.change(auth, { password: 'new password!' }, meta)).rejects.toMatchObject({
      code: 10100,
      extra: { fields: { old_password: expect.any(String) } },
    });
  });

  it('lets an account without a password set its first one', async () => {
    const { service, fakes } = setup(null);
    await service.change(auth, { password: 'new password!' }, meta);
    expect(fakes.credentials.assertPassword).not.toHaveBeenCalled();
    expect(fakes.audit.record).toHaveBeenCalledWith('password_changed', 'u1', meta, { first: true });
  });

  it.each(['password1', 'my xiaoming secret'])(
    'refuses %s (common, or holding the username) before the old password is checked or anything is hashed',
    async (password) => {
      const { service, fakes, db } = setup();
      await expect(service.change(auth, { old_password: 'old password', password }, meta)).rejects.toMatchObject({
        code: 10100,
        extra: { fields: { password: expect.any(String) } },
      });
      expect(fakes.credentials.assertPassword).not.toHaveBeenCalled();
      expect(fakes.hasher.hash).not.toHaveBeenCalled();
      expect(db.transaction).not.toHaveBeenCalled();
    },
  );

  it('answers 401 when the account is gone', async () => {
    const { service, qb } = setup();
    qb.getOne.mockResolvedValueOnce(null);
    await expect(service.change(auth, { password: 'new password!' }, meta)).rejects.toMatchObject({
      status: 401,
      reason: 'account_gone',
    });
  });
});
