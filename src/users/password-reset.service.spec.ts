import { jest } from '@jest/globals';
import { loadConfig } from '../config/config.js';
import { PasswordResetService } from './password-reset.service.js';
import { fail } from '../common/errors/index.js';

const meta = { ip: '1.2.3.4', userAgent: null };
const dto = { phone: '+8613800138000', verify: '123456', password: 'new long password' };
const user = { id: 'u1', username: 'xiaoming', phone: dto.phone, email: 'x@example.com' };

/** Collaborators as recorders; `steps` is the order of the calls that matter. */
function setup() {
  const steps: string[] = [];
  const counts = new Map<string, number>();
  const fakes = {
    db: {
      transaction: jest.fn(async (work: (m: unknown) => Promise<unknown>) => {
        steps.push('begin');
        const result = await work({
          update: async (_e: unknown, where: object, set: object) =>
            steps.push(`update ${JSON.stringify(where)} ${Object.keys(set)}`),
        });
        steps.push('commit');
        return result;
      }),
    },
    users: { findByPhone: jest.fn(async (): Promise<typeof user | null> => (steps.push('lookup'), user)) },
    sms: { verify: jest.fn(async () => void steps.push('verify')) },
    hasher: { hash: jest.fn(async () => (steps.push('hash'), 'hash')) },
    sessions: {
      revokeAll: jest.fn(
        async (id: string, keep: string | null, m: unknown) => (steps.push(`revokeAll ${id} ${keep} ${Boolean(m)}`), 2),
      ),
    },
    limiter: {
      attempt: jest.fn(async (limits: Array<{ key: string; max: number }>) => {
        for (const { key } of limits) counts.set(key, (counts.get(key) ?? 0) + 1);
        return limits.some(({ key, max }) => counts.get(key)! > max) ? 7 : null;
      }),
      release: jest.fn(async (key: string) => void counts.set(key, (counts.get(key) ?? 1) - 1)),
      reset: jest.fn(async (key: string) => void counts.delete(key)),
    },
    loginGuard: { forget: jest.fn(async () => undefined) },
    config: loadConfig({}),
    profiles: { invalidate: jest.fn(async () => undefined) },
    audit: { record: jest.fn(async () => undefined) },
  };
  const f = fakes as Record<keyof typeof fakes, never>;
  const service = new PasswordResetService(
    f.db,
    f.users,
    f.sms,
    f.hasher,
    f.sessions,
    f.limiter,
    f.loginGuard,
    f.config,
    f.profiles,
    f.audit,
  );
  return { service, fakes, steps, counts };
}

describe('PasswordResetService', () => {
  it('verifies the code, hashes, then replaces the hash and revokes every token in one transaction', async () => {
    const { service, fakes, steps } = setup();
    await service.reset(dto, meta);
    expect(steps).toEqual([
      'verify',
      'hash',
      'lookup',
      'begin',
      'update {"id":"u1"} passwordHash',
      'revokeAll u1 null true',
      'commit',
    ]);
    expect(fakes.audit.record).toHaveBeenCalledWith('password_reset', 'u1', meta);
    expect(fakes.profiles.invalidate).toHaveBeenCalledWith('u1');
    expect(fakes.loginGuard.forget).toHaveBeenCalledWith(expect.objectContaining({ username: 'xiaoming' }));
  });

  it('answers an unknown phone with a valid code like a wrong code, after the same hash', async () => {
    const { service, fakes, steps } = setup();
    fakes.users.findByPhone.mockImplementationOnce(async () => (steps.push('lookup'), null));
    await expect(service.reset(dto, meta)).rejects.toEqual(fail('sms_code_invalid'));
    expect(steps).toEqual(['verify', 'hash', 'lookup']);
    expect(fakes.db.transaction).not.toHaveBeenCalled();
  });

  it('counts the attempt per phone and per IP before the code, and stops at a wrong code before any lookup', async () => {
    const { service, fakes, steps, counts } = setup();
    fakes.sms.verify.mockRejectedValueOnce(fail('sms_code_invalid'));
    await expect(service.reset(dto, meta)).rejects.toMatchObject({ code: 10112 });
    expect(steps).toEqual([]);
    expect(Object.fromEntries(counts)).toEqual({ [`reset:phone:${dto.phone}`]: 1, 'reset:ip:1.2.3.4': 1 });
  });

  it('refuses with 429 once the phone or the IP has too many failures, without trying the code', async () => {
    const { service, fakes, counts } = setup();
    counts.set(`reset:phone:${dto.phone}`, 5);
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

  it("clears the phone's failure count after a successful reset", async () => {
    const { service, counts } = setup();
    counts.set(`reset:phone:${dto.phone}`, 3);
    await service.reset(dto, meta);
    expect(counts.has(`reset:phone:${dto.phone}`)).toBe(false);
  });
});
