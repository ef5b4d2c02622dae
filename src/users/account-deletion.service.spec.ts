import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { AccountDeletionService } from './account-deletion.service.js';
import { fail } from '../common/errors/index.js';

beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

const meta = { ip: '1.2.3.4', userAgent: 'ua' };
const auth = { id: 'u1', sessionId: 'f1' };
const user = { id: 'u1', username: 'xiaoming', phone: '+8613800138000', passwordHash: 'hash' };

/** `rows` is the database: the transaction sees it, and a delete only lands on commit. */
function setup(weiboSealed: string | null = 'sealed-token') {
  const rows = { user: true as boolean, identity: weiboSealed };
  const steps: string[] = [];
  const qb = {
    addSelect: () => qb,
    where: () => qb,
    getOne: async () => (rows.identity ? { credentialEnc: rows.identity } : null),
  };
  const fakes = {
    db: {
      transaction: jest.fn(async (work: (m: unknown) => Promise<unknown>) => {
        let deleted = false;
        const m = {
          findOne: async (_e: unknown, opts: { lock?: object }) => (
            steps.push(`lock ${Boolean(opts.lock)}`),
            rows.user ? user : null
          ),
          createQueryBuilder: () => qb,
          delete: async () => void (steps.push('delete'), (deleted = true)),
        };
        const result = await work(m);
        if (deleted) Object.assign(rows, { user: false, identity: null });
        steps.push('commit');
        return result;
      }),
    },
    redis: {
      get: jest.fn(async () => 'activation-hash'),
      del: jest.fn(async (...keys: string[]) => (steps.push(`del ${keys.join(' ')}`), keys.length)),
    },
    users: { findByAccountId: jest.fn(async (): Promise<object | null> => user) },
    loginGuard: {
      verifyPassword: jest.fn(
        async (u: { passwordHash: string | null } | null, _a: string, p: string, _ip: string) =>
          u?.passwordHash === 'hash' && p === 'right password',
      ),
    },
    sms: { verify: jest.fn(async () => undefined) },
    box: { open: jest.fn((s: string) => `open(${s})`) },
    weibo: { revoke: jest.fn(async () => true) },
    profiles: { invalidate: jest.fn(async () => void steps.push('invalidate')) },
    audit: { record: jest.fn(async () => void steps.push('audit')) },
  };
  const f = fakes as Record<keyof typeof fakes, never>;
  const service = new AccountDeletionService(
    f.db,
    f.redis,
    f.users,
    f.loginGuard,
    f.sms,
    f.box,
    f.weibo,
    f.profiles,
    f.audit,
  );
  return { service, fakes, rows, steps };
}

describe('AccountDeletionService', () => {
  it('deletes in one transaction, then clears pending state, the cache and the Weibo token, and records it without personal data', async () => {
    const { service, fakes, rows, steps } = setup();
    await service.delete(auth, { password: 'right password' }, meta);
    expect(rows).toEqual({ user: false, identity: null });
    expect(steps).toEqual([
      'lock true',
      'delete',
      'commit',
      'del activation:user:u1 activation:cooldown:u1 activation:code:activation-hash sms:code:+8613800138000 sms:cooldown:+8613800138000',
      'invalidate',
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
    expect(fakes.loginGuard.verifyPassword).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'u1' }),
      'xiaoming',
      'guess',
      '1.2.3.4',
    );
    expect(rows.user).toBe(true);
  });

  it('refuses a password for an account that has none (the guard still spends a verification)', async () => {
    const { service, fakes } = setup();
    fakes.users.findByAccountId.mockResolvedValueOnce({ ...user, passwordHash: null });
    await expect(service.delete(auth, { password: 'right password' }, meta)).rejects.toMatchObject({ status: 401 });
    expect(fakes.loginGuard.verifyPassword).toHaveBeenCalledTimes(1);
  });

  it('refuses a code for an account without a phone (10112)', async () => {
    const { service, fakes } = setup();
    fakes.users.findByAccountId.mockResolvedValueOnce({ ...user, phone: null });
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
  });

  it('succeeds although Redis, the cache or Weibo fail after the commit', async () => {
    const { service, fakes } = setup();
    fakes.redis.get.mockRejectedValueOnce(new Error('redis down'));
    fakes.profiles.invalidate.mockRejectedValueOnce(new Error('redis down'));
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
