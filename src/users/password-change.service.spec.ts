import { jest } from '@jest/globals';
import { PasswordChangeService } from './password-change.service.js';
import { fail, limited } from '../common/errors/index.js';

const meta = { ip: '1.2.3.4', userAgent: 'ua' };
const auth = { id: 'u1', sessionId: 'family-1' };
const pair = { token: 'jwt', refresh_token: 'r', expires_in: 900 };

function setup(passwordHash: string | null = 'old-hash') {
  const steps: string[] = [];
  const manager = {
    update: async (_e: unknown, where: object, set: object) =>
      void steps.push(`update ${JSON.stringify(where)} ${Object.keys(set)}`),
  };
  const fakes = {
    db: {
      transaction: jest.fn(async (work: (m: unknown) => Promise<unknown>) => {
        steps.push('begin');
        const result = await work(manager);
        steps.push('commit');
        return result;
      }),
    },
    users: {
      findByAccountId: jest.fn(async (): Promise<object | null> => ({ id: 'u1', username: 'xiaoming', passwordHash })),
    },
    hasher: { hash: jest.fn(async () => 'new-hash') },
    tokens: {
      issue: jest.fn(
        async (_u: string, _m: unknown, family: unknown, m: unknown) => (
          steps.push(`issue ${family} ${m === manager}`),
          pair
        ),
      ),
    },
    sessions: {
      revokeAll: jest.fn(
        async (id: string, keep: string | null, m: unknown) => (
          steps.push(`revokeAll ${id} ${keep} ${m === manager}`),
          1
        ),
      ),
    },
    loginGuard: {
      verifyPassword: jest.fn(async (_u: unknown, _a: string, p: string, _ip: string) => p === 'old password'),
    },
    profiles: { invalidate: jest.fn(async () => undefined) },
    audit: { record: jest.fn(async () => undefined) },
  };
  const f = fakes as Record<keyof typeof fakes, never>;
  const service = new PasswordChangeService(
    f.db,
    f.users,
    f.hasher,
    f.tokens,
    f.sessions,
    f.loginGuard,
    f.profiles,
    f.audit,
  );
  return { service, fakes, steps };
}

describe('PasswordChangeService', () => {
  it('sets the hash, revokes every token (the current session too) and starts a new session, in one transaction', async () => {
    const { service, fakes, steps } = setup();
    await expect(
      service.change(auth, { old_password: 'old password', password: 'new password!' }, meta),
    ).resolves.toEqual({ username: 'xiaoming', ...pair });
    expect(steps).toEqual([
      'begin',
      'update {"id":"u1"} passwordHash',
      'revokeAll u1 null true',
      'issue undefined true',
      'commit',
    ]);
    expect(fakes.loginGuard.verifyPassword).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'u1' }),
      'xiaoming',
      'old password',
      '1.2.3.4',
    );
    expect(fakes.audit.record).toHaveBeenCalledWith('password_changed', 'u1', meta, { first: false });
    expect(fakes.profiles.invalidate).toHaveBeenCalledWith('u1');
  });

  it('refuses a wrong old password with 401, counted like a login failure, changing nothing', async () => {
    const { service, fakes } = setup();
    await expect(service.change(auth, { old_password: 'guess', password: 'new password!' }, meta)).rejects.toEqual(
      fail('invalid_credentials'),
    );
    expect(fakes.db.transaction).not.toHaveBeenCalled();
  });

  it('checks the login limit before the password', async () => {
    const { service, fakes } = setup();
    fakes.loginGuard.verifyPassword.mockRejectedValueOnce(limited('too_many_login_failures', 60));
    await expect(
      service.change(auth, { old_password: 'old password', password: 'new password!' }, meta),
    ).rejects.toMatchObject({ status: 429 });
    expect(fakes.db.transaction).not.toHaveBeenCalled();
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
    expect(fakes.loginGuard.verifyPassword).not.toHaveBeenCalled();
    expect(fakes.audit.record).toHaveBeenCalledWith('password_changed', 'u1', meta, { first: true });
  });

  it('answers 401 when the account is gone', async () => {
    const { service, fakes } = setup();
    fakes.users.findByAccountId.mockResolvedValueOnce(null);
    await expect(service.change(auth, { password: 'new password!' }, meta)).rejects.toMatchObject({
      status: 401,
      reason: 'account_gone',
    });
  });
});
