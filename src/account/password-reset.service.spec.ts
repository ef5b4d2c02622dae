import { jest } from '@jest/globals';
import { CredentialsService } from '../auth/credentials.service.js';
import { fail } from '../common/errors/index.js';
import { loadConfig } from '../config/config.js';
import { UsersService } from '../users/users.service.js';
import { AccountEvents } from './account-events.js';
import { PasswordResetService } from './password-reset.service.js';

const notices = { notify: async () => undefined };

const meta = { ip: '1.2.3.4', userAgent: null };
const dto = { phone: '+8613800138000', verify: '123456', password: 'new long password' };
const user = { id: 'u1', username: 'xiaoming', phone: dto.phone, email: 'x@example.com' };

/**
 * The real CredentialsService over a recording limiter, the real UsersService over a fake database;
 * `steps` is the order of the calls that matter.
 */
function setup() {
  const steps: string[] = [];
  const counts = new Map<string, number>();
  const repo = {
    findOneBy: jest.fn(async (): Promise<typeof user | null> => (steps.push('lookup'), user)),
    update: async (where: object, set: object) => (
      steps.push(`update ${JSON.stringify(where)} ${Object.keys(set).join(',')}`),
      { affected: 1 }
    ),
  };
  const db = {
    getRepository: () => repo,
    transaction: jest.fn(async (work: (m: unknown) => Promise<unknown>) => {
      steps.push('begin');
      const result = await work({ getRepository: () => repo });
      steps.push('commit');
      return result;
    }),
  };
  const cache = { invalidate: jest.fn(async () => void steps.push('invalidate')) };
  const users = new UsersService(db as never, cache as never);
  const limiter = {
    attempt: jest.fn(async (limits: Array<{ key: string; max: number }>) => {
      for (const { key } of limits) counts.set(key, (counts.get(key) ?? 0) + 1);
      return limits.some(({ key, max }) => counts.get(key)! > max) ? 7 : null;
    }),
    release: jest.fn(async (key: string) => void counts.set(key, (counts.get(key) ?? 1) - 1)),
    reset: jest.fn(async (key: string) => void counts.delete(key)),
  };
  const credentials = new CredentialsService(limiter as never, loadConfig({}), {} as never, users);
  const fakes = {
    sms: { verify: jest.fn(async () => void steps.push('verify')) },
    hasher: { hash: jest.fn(async () => (steps.push('hash'), 'hash')) },
    sessions: {
      endAll: jest.fn(
        async (id: string, keep: string | null, m: unknown) => (
          steps.push(`endAll ${id} ${keep} ${Boolean(m)}`),
          ['f1', 'f2']
        ),
      ),
      ended: jest.fn(async (ids: string[]) => void steps.push(`ended ${ids.join(',')}`)),
    },
    audit: { record: jest.fn(async () => undefined) },
  };
  const f = fakes as Record<keyof typeof fakes, never>;
  const events = new AccountEvents(f.audit, notices as never, { noticeEmailChanged: async () => undefined } as never);
  const service = new PasswordResetService(users, f.sms, f.hasher, f.sessions, credentials, events);
  return { service, fakes, db, repo, steps, counts };
}

describe('PasswordResetService', () => {
  it('refuses a common password or one holding the phone before anything is counted or spent', async () => {
    for (const password of ['password123', 'x13800138000x']) {
      const { service, steps, counts } = setup();
      await expect(service.reset({ ...dto, password }, meta)).rejects.toMatchObject({
        code: 10100,
        extra: { fields: { password: expect.any(String) } },
      });
      expect(steps).toEqual([]);
      expect(counts.size).toBe(0);
    }
  });

  it("refuses a password holding the account's username only after the code proved the phone, before the hash", async () => {
    const { service, fakes, steps } = setup();
    await expect(service.reset({ ...dto, password: 'my xiaoming pass' }, meta)).rejects.toMatchObject({
      code: 10100,
    });
    expect(steps).toEqual(['verify', 'lookup']);
    expect(fakes.hasher.hash).not.toHaveBeenCalled();
  });

  it('verifies the code, looks the account up, hashes, then replaces the hash and ends every session in one transaction, their access tokens after it', async () => {
    const { service, fakes, steps } = setup();
    await service.reset(dto, meta);
    expect(steps).toEqual([
      'verify',
      'lookup',
      'hash',
      'begin',
      'update {"id":"u1"} passwordHash',
      'invalidate',
      'endAll u1 null true',
      'commit',
      'ended f1,f2',
    ]);
    expect(fakes.audit.record).toHaveBeenCalledWith('password_reset', 'u1', meta);
  });

  it('answers an unknown phone with a valid code like a wrong code, after the same hash', async () => {
    const { service, repo, db, steps } = setup();
    repo.findOneBy.mockImplementationOnce(async () => (steps.push('lookup'), null));
    await expect(service.reset(dto, meta)).rejects.toEqual(fail('sms_code_invalid'));
    expect(steps).toEqual(['verify', 'lookup', 'hash']);
    expect(db.transaction).not.toHaveBeenCalled();
  });

  it('counts the attempt per phone and per IP before the code, and stops at a wrong code before any lookup', async () => {
    const { service, fakes, steps, counts } = setup();
    fakes.sms.verify.mockRejectedValueOnce(fail('sms_code_invalid'));
    await expect(service.reset(dto, meta)).rejects.toMatchObject({ code: 10112 });
    expect(steps).toEqual([]);
    expect(Object.fromEntries(counts)).toEqual({ [`reset:id:${dto.phone}`]: 1, 'reset:ip:1.2.3.4': 1 });
  });

  it('refuses with 429 once the phone or the IP has too many failures, without trying the code', async () => {
    const { service, fakes, counts } = setup();
    counts.set(`reset:id:${dto.phone}`, 5);
    await expect(service.reset(dto, meta)).rejects.toMatchObject({
      status: 429,
      reason: 'too_many_reset_failures',
      extra: { retryAfter: 7 },
    });
    counts.clear();
    counts.set('reset:ip:1.2.3.4', 50);
    await expect(service.reset(dto, meta)).rejects.toMatchObject({ status: 429 });
    expect(fakes.sms.verify).not.toHaveBeenCalled();
  });

  it("clears the phone's reset failures and the login failures of the old password after a successful reset", async () => {
    const { service, counts } = setup();
    counts.set(`reset:id:${dto.phone}`, 3);
    for (const typed of ['xiaoming', dto.phone, 'x@example.com']) counts.set(`login:id:${typed}`, 4);
    await service.reset(dto, meta);
    expect([...counts.keys()]).toEqual(['reset:ip:1.2.3.4']);
    expect(counts.get('reset:ip:1.2.3.4')).toBe(0);
  });
});
