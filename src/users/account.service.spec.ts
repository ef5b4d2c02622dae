import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { AccountService } from './account.service.js';
import { fail } from '../common/errors/index.js';

beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

const meta = { ip: '1.2.3.4', userAgent: null };
const NEW_PHONE = '+8613900139000';

function setup(current = { id: 'u1', phone: '+8613800138000', email: 'old@example.com', emailVerified: true }) {
  const steps: string[] = [];
  const repo = {
    update: jest.fn(
      async (_where: object, set: object) => (steps.push(`update ${JSON.stringify(set)}`), { affected: 1 }),
    ),
  };
  const fakes = {
    db: { getRepository: () => repo },
    users: {
      findById: jest.fn(async (): Promise<object | null> => current),
      assertAvailable: jest.fn(async (f: object) => void steps.push(`available ${JSON.stringify(f)}`)),
    },
    sms: { verify: jest.fn(async (phone: string) => void steps.push(`verify ${phone}`)) },
    activation: { sendActivation: jest.fn(async () => (steps.push('mail'), true)) },
    limiter: { hit: jest.fn(async () => ({ allowed: true, count: 1, retryAfter: 1 })) },
    profiles: {
      invalidate: jest.fn(async () => void steps.push('invalidate')),
      get: jest.fn(async () => ({ id: 'u1' })),
    },
    audit: { record: jest.fn(async (type: string) => void steps.push(`audit ${type}`)) },
  };
  const f = fakes as Record<keyof typeof fakes, never>;
  return {
    service: new AccountService(f.db, f.users, f.sms, f.activation, f.limiter, f.profiles, f.audit),
    fakes,
    repo,
    steps,
  };
}

describe('AccountService.changePhone', () => {
  it('spends the code of the new phone, then checks availability, writes and records', async () => {
    const { service, steps } = setup();
    await expect(service.changePhone('u1', { phone: NEW_PHONE, verify: '123456' }, meta)).resolves.toEqual({
      phone: NEW_PHONE,
    });
    expect(steps).toEqual([
      `verify ${NEW_PHONE}`,
      `available {"phone":"${NEW_PHONE}"}`,
      `update {"phone":"${NEW_PHONE}"}`,
      'invalidate',
      'audit phone_changed',
    ]);
  });

  it('reveals a taken phone only after the code proved it (no enumeration)', async () => {
    const { service, fakes } = setup();
    fakes.users.assertAvailable.mockRejectedValueOnce(fail('phone_taken'));
    await expect(service.changePhone('u1', { phone: NEW_PHONE, verify: '123456' }, meta)).rejects.toMatchObject({
      status: 409,
    });
    expect(fakes.sms.verify).toHaveBeenCalled();
  });

  it('maps a lost race on the unique index to 409', async () => {
    const { service, repo } = setup();
    const violation = new QueryFailedError(
      'UPDATE',
      [],
      Object.assign(new Error('dup'), { code: '23505', constraint: 'users_phone_key' }),
    );
    repo.update.mockRejectedValueOnce(violation);
    await expect(service.changePhone('u1', { phone: NEW_PHONE, verify: '123456' }, meta)).rejects.toMatchObject({
      status: 409,
      reason: 'phone_taken',
    });
  });

  it('writes nothing for the current phone, after its code', async () => {
    const { service, steps } = setup();
    await service.changePhone('u1', { phone: '+8613800138000', verify: '123456' }, meta);
    expect(steps).toEqual(['verify +8613800138000']);
  });
});

describe('AccountService.changeEmail', () => {
  it('writes the address unverified, queues the activation mail, records the change', async () => {
    const { service, steps } = setup();
    await expect(service.changeEmail('u1', { email: 'new@example.com' }, meta)).resolves.toEqual({
      email: 'new@example.com',
      email_verified: false,
    });
    expect(steps).toEqual([
      'available {"email":"new@example.com"}',
      'update {"email":"new@example.com","emailVerified":false}',
      'invalidate',
      'mail',
      'audit email_changed',
    ]);
  });

  it('keeps the change when the mail cannot be queued', async () => {
    const { service, fakes } = setup();
    fakes.activation.sendActivation.mockRejectedValueOnce(new Error('redis down'));
    await expect(service.changeEmail('u1', { email: 'new@example.com' }, meta)).resolves.toMatchObject({
      email_verified: false,
    });
    expect(fakes.audit.record).toHaveBeenCalled();
  });

  it('changes nothing for the same address in another case', async () => {
    const { service, steps } = setup();
    await expect(service.changeEmail('u1', { email: 'OLD@example.com' }, meta)).resolves.toEqual({
      email: 'old@example.com',
      email_verified: true,
    });
    expect(steps).toEqual([]);
  });

  it('caps changes per day (each one mails an address)', async () => {
    const { service, fakes, repo } = setup();
    fakes.limiter.hit.mockResolvedValueOnce({ allowed: false, count: 11, retryAfter: 3600 });
    await expect(service.changeEmail('u1', { email: 'new@example.com' }, meta)).rejects.toMatchObject({
      status: 429,
      reason: 'email_change_limit',
    });
    expect(repo.update).not.toHaveBeenCalled();
  });
});

describe('AccountService.updateProfile', () => {
  it('writes only the fields given, null clearing one, and answers the fresh profile', async () => {
    const { service, repo, fakes } = setup();
    await expect(
      service.updateProfile('u1', { nickname: '小明', signature: null, gender: undefined }),
    ).resolves.toEqual({ id: 'u1' });
    expect(repo.update).toHaveBeenCalledWith({ id: 'u1' }, { nickname: '小明', signature: null });
    expect(fakes.profiles.invalidate.mock.invocationCallOrder[0]).toBeLessThan(
      fakes.profiles.get.mock.invocationCallOrder[0],
    );
  });

  it('refuses an empty change', async () => {
    const { service } = setup();
    await expect(service.updateProfile('u1', {})).rejects.toMatchObject({ status: 400, reason: 'nothing_to_change' });
  });

  it('answers 401 for an account deleted meanwhile', async () => {
    const { service, repo } = setup();
    repo.update.mockResolvedValueOnce({ affected: 0 });
    await expect(service.updateProfile('u1', { nickname: 'x' })).rejects.toMatchObject({
      status: 401,
      reason: 'account_gone',
    });
  });
});
