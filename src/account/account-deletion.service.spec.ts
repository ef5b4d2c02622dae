import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { CredentialsService } from '../auth/credentials.service.js';
import { fail } from '../common/errors/index.js';
import { loadConfig } from '../config/config.js';
import { IdentitiesService } from '../identities/identities.service.js';
import { UsersService } from '../users/users.service.js';
import { AccountCleanup } from './account-cleanup.service.js';
import { AccountDeletionService } from './account-deletion.service.js';
import { AccountProof } from './account-proof.service.js';

beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

const meta = { ip: '1.2.3.4', userAgent: 'ua' };
const auth = { id: 'u1', sessionId: 'f1' };
const user = { id: 'u1', username: 'xiaoming', phone: '+8613800138000', passwordHash: 'hash' };

/**
 * The real UsersService, AccountProof, CredentialsService, AccountCleanup and IdentitiesService over fakes of
 * the database, Redis-backed features and Weibo. `rows` is the database: the transaction sees it, and a delete
 * only lands on commit.
 */
function setup(weiboSealed: string | null = 'sealed-token') {
  const rows = { user: true as boolean, identity: weiboSealed };
  const steps: string[] = [];
  const identityQb = {
    addSelect: () => identityQb,
    where: () => identityQb,
    getOne: async () => (steps.push('collect'), rows.identity ? { credentialEnc: rows.identity } : null),
  };
  const userQb = {
    addSelect: () => userQb,
    where: () => userQb,
    getOne: jest.fn(async (): Promise<object | null> => (rows.user ? { ...user } : null)),
  };
  const db = {
    manager: { createQueryBuilder: () => userQb },
    transaction: jest.fn(async (work: (m: unknown) => Promise<unknown>) => {
      let deleted = false;
      const m = {
        findOne: async (_e: unknown, opts: { lock?: object }) => (
          steps.push(`lock ${Boolean(opts.lock)}`),
          rows.user ? user : null
        ),
        createQueryBuilder: () => identityQb,
        delete: async () => void (steps.push('delete'), (deleted = true)),
      };
      const result = await work(m);
      if (deleted) Object.assign(rows, { user: false, identity: null });
      steps.push('commit');
      return result;
    }),
  };
  const fakes = {
    cache: { invalidate: jest.fn(async () => void steps.push('invalidate')) },
    limiter: { attempt: jest.fn(async () => null), reset: async () => undefined, release: async () => undefined },
    hasher: {
      verify: jest.fn(async (hash: string | null, p: string) => hash === 'hash' && p === 'right password'),
    },
    sms: {
      verify: jest.fn(async () => undefined),
      forget: jest.fn(async (phone: string) => void steps.push(`forget sms ${phone}`)),
    },
    activation: { forget: jest.fn(async (id: string) => void steps.push(`forget activation ${id}`)) },
    box: { open: jest.fn((s: string) => `open(${s})`) },
    weibo: { revoke: jest.fn(async () => void steps.push('revoke')) },
    sessions: {
      endAll: jest.fn(
        async (id: string, keep: string | null, m: unknown) => (
          steps.push(`endAll ${id} ${keep} ${Boolean(m)}`),
          ['f1']
        ),
      ),
      ended: jest.fn(async (ids: string[]) => void steps.push(`ended ${ids.join(',')}`)),
    },
    audit: { record: jest.fn(async () => void steps.push('audit')) },
  };
  const f = fakes as Record<keyof typeof fakes, never>;
  const users = new UsersService(db as never, f.cache);
  const credentials = new CredentialsService(f.limiter, loadConfig({}), f.hasher, users);
  const identities = new IdentitiesService(db as never, f.box, users);
  const service = new AccountDeletionService(
    users,
    new AccountProof(credentials, f.sms),
    f.sessions,
    new AccountCleanup(identities, f.weibo, f.activation, f.sms),
    f.audit,
  );
  return { service, fakes, rows, steps, userQb };
}

describe('AccountDeletionService', () => {
  it('deletes in one transaction with its sessions, then ends their access tokens, clears pending codes and the Weibo token, and records it without personal data', async () => {
    const { service, fakes, rows, steps } = setup();
    await service.delete(auth, { password: 'right password' }, meta);
    expect(rows).toEqual({ user: false, identity: null });
    expect(steps).toEqual([
      'lock true',
      'collect',
      'endAll u1 null true',
      'delete',
      'invalidate',
      'commit',
      'ended f1',
      'forget activation u1',
      'forget sms +8613800138000',
      'revoke',
      'audit',
    ]);
    expect(fakes.audit.record).toHaveBeenCalledWith('account_deleted', 'u1', null, { method: 'password' });
    expect(fakes.weibo.revoke).toHaveBeenCalledWith('open(sealed-token)');
  });

  it("accepts an SMS code to the account's phone instead", async () => {
    const { service, fakes } = setup(null);
    await service.delete(auth, { verify: '123456' }, meta);
    expect(fakes.sms.verify).toHaveBeenCalledWith('+8613800138000', '123456');
    expect(fakes.weibo.revoke).not.toHaveBeenCalled();
    expect(fakes.audit.record).toHaveBeenCalledWith('account_deleted', 'u1', null, { method: 'sms' });
  });

  it('refuses a wrong password with 401, counted like a login failure, deleting nothing', async () => {
    const { service, fakes, rows } = setup();
    await expect(service.delete(auth, { password: 'guess' }, meta)).rejects.toEqual(fail('invalid_credentials'));
    expect(fakes.limiter.attempt).toHaveBeenCalledWith(
      [expect.objectContaining({ key: 'login:id:xiaoming' }), expect.objectContaining({ key: 'login:ip:1.2.3.4' })],
      expect.any(Number),
    );
    expect(rows.user).toBe(true);
  });

  it('refuses a password for an account that has none (the guard still spends a verification)', async () => {
    const { service, fakes, userQb, rows } = setup();
    userQb.getOne.mockResolvedValueOnce({ ...user, passwordHash: null });
    await expect(service.delete(auth, { password: 'right password' }, meta)).rejects.toMatchObject({ status: 401 });
    expect(fakes.hasher.verify).toHaveBeenCalledTimes(1);
    expect(rows.user).toBe(true);
  });

  it('refuses a code for an account without a phone (10112)', async () => {
    const { service, fakes, userQb } = setup();
    userQb.getOne.mockResolvedValueOnce({ ...user, phone: null });
    await expect(service.delete(auth, { verify: '123456' }, meta)).rejects.toMatchObject({ code: 10112 });
    expect(fakes.sms.verify).not.toHaveBeenCalled();
  });

  it.each([[{}], [{ password: 'right password', verify: '123456' }]])(
    'wants exactly one proof: %j is a 400',
    async (dto) => {
      const { service, rows } = setup();
      await expect(service.delete(auth, dto, meta)).rejects.toMatchObject({ status: 400, code: 10100 });
      expect(rows.user).toBe(true);
    },
  );

  it('answers 401 when a concurrent deletion won', async () => {
    const { service, fakes, rows } = setup();
    rows.user = false;
    await expect(service.delete(auth, { password: 'right password' }, meta)).rejects.toMatchObject({
      status: 401,
      reason: 'account_gone',
    });
    expect(fakes.audit.record).not.toHaveBeenCalled();
    expect(fakes.sessions.ended).not.toHaveBeenCalled();
  });

  it('takes a reauthentication token for the proof', async () => {
    const { service, fakes, rows } = setup();
    await service.delete(auth, {}, meta, true);
    expect(rows.user).toBe(false);
    expect(fakes.hasher.verify).not.toHaveBeenCalled();
    expect(fakes.sms.verify).not.toHaveBeenCalled();
    expect(fakes.audit.record).toHaveBeenCalledWith('account_deleted', 'u1', null, { method: 'reauth' });
  });

  it('succeeds although Redis or Weibo fail after the commit', async () => {
    const { service, fakes } = setup();
    fakes.sessions.ended.mockRejectedValueOnce(new Error('redis down'));
    fakes.activation.forget.mockRejectedValueOnce(new Error('redis down'));
    fakes.sms.forget.mockRejectedValueOnce(new Error('redis down'));
    fakes.weibo.revoke.mockRejectedValueOnce(fail('provider_unavailable'));
    await expect(service.delete(auth, { password: 'right password' }, meta)).resolves.toBeUndefined();
    expect(fakes.audit.record).toHaveBeenCalled();
  });

  it('still deletes when the Weibo token cannot be unsealed', async () => {
    const { service, fakes, rows } = setup();
    fakes.box.open.mockImplementationOnce(() => {
      throw new Error('unknown key version');
    });
    await service.delete(auth, { password: 'right password' }, meta);
    expect(rows.user).toBe(false);
    expect(fakes.weibo.revoke).not.toHaveBeenCalled();
  });
});
