import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { ActivationService } from '../activation/activation.service.js';
import { fail } from '../common/errors/index.js';
import { loadConfig } from '../config/config.js';
import { Mails } from '../mail/mails.js';
import { UsersService } from '../users/users.service.js';
import { AccountEvents } from './account-events.js';
import { AccountService } from './account.service.js';

const notices = { notify: async () => undefined };

beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

const meta = { ip: '1.2.3.4', userAgent: null };
const NEW_PHONE = '+8613900139000';

/**
 * The real UsersService (so writes drop the cached profile and lost races map to 409) and the real
 * ActivationService over a fake `users` row, a fake queue and a fake code store.
 */
function setup() {
  const steps: string[] = [];
  const row = {
    id: 'u1',
    username: 'xiaoming',
    phone: '+8613800138000' as string | null,
    email: 'old@example.com' as string | null,
    emailVerified: true,
  };
  const repo = {
    update: jest.fn(async (_where: object, set: object) => {
      steps.push(`update ${JSON.stringify(set)}`);
      Object.assign(row, set);
      return { affected: 1 };
    }),
    findOneBy: jest.fn(async () => ({ ...row })),
  };
  const qb = { addSelect: () => qb, where: () => qb, getOne: async () => ({ ...row }) };
  const db = { manager: { getRepository: () => repo, createQueryBuilder: () => qb }, getRepository: () => repo };
  const cache = { invalidate: jest.fn(async () => void steps.push('invalidate')) };
  const users = new UsersService(db as never, cache as never);
  jest
    .spyOn(users, 'assertAvailable')
    .mockImplementation(async (f: object) => void steps.push(`available ${JSON.stringify(f)}`));
  const queue = {
    add: jest.fn(async (job: { template: string; to: string }) => (steps.push(`mail ${job.template} ${job.to}`), {})),
  };
  const store = { issue: jest.fn(async () => 'code') };
  const mails = new Mails(queue as never, loadConfig({}));
  const activation = new ActivationService(mails, loadConfig({}), store as never, {} as never, users, {} as never);
  const fakes = {
    sms: { verify: jest.fn(async (phone: string) => void steps.push(`verify ${phone}`)) },
    limiter: { hit: jest.fn(async () => ({ allowed: true, count: 1, retryAfter: 1 })) },
    profiles: { get: jest.fn(async () => (steps.push('profile'), { id: 'u1' })) },
    audit: { record: jest.fn(async (type: string) => void steps.push(`audit ${type}`)) },
  };
  const f = fakes as Record<keyof typeof fakes, never>;
  const events = new AccountEvents(f.audit, notices as never, mails);
  const service = new AccountService(users, f.sms, activation, f.limiter, f.profiles, events);
  return { service, fakes, repo, row, queue, users, steps };
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
    const { service, fakes, users, repo } = setup();
    jest.mocked(users.assertAvailable).mockRejectedValueOnce(fail('phone_taken'));
    await expect(service.changePhone('u1', { phone: NEW_PHONE, verify: '123456' }, meta)).rejects.toMatchObject({
      status: 409,
    });
    expect(fakes.sms.verify).toHaveBeenCalled();
    expect(repo.update).not.toHaveBeenCalled();
  });

  it('writes nothing when the code is wrong', async () => {
    const { service, fakes, repo } = setup();
    fakes.sms.verify.mockRejectedValueOnce(fail('sms_code_invalid'));
    await expect(service.changePhone('u1', { phone: NEW_PHONE, verify: '000000' }, meta)).rejects.toMatchObject({
      reason: 'sms_code_invalid',
    });
    expect(repo.update).not.toHaveBeenCalled();
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
  it('writes the address unverified, mails it the activation and the old one a notice, records the change', async () => {
    const { service, steps } = setup();
    await expect(service.changeEmail('u1', { email: 'new@example.com' }, meta)).resolves.toEqual({
      email: 'new@example.com',
      email_verified: false,
    });
    expect(steps).toEqual([
      'available {"email":"new@example.com"}',
      'update {"email":"new@example.com","emailVerified":false}',
      'invalidate',
      'mail activation new@example.com',
      'audit email_changed',
      'mail email_changed old@example.com',
    ]);
  });

  it('keeps the change when the mails cannot be queued', async () => {
    const { service, fakes, queue, row } = setup();
    queue.add.mockRejectedValue(new Error('redis down'));
    await expect(service.changeEmail('u1', { email: 'new@example.com' }, meta)).resolves.toMatchObject({
      email_verified: false,
    });
    expect(row).toMatchObject({ email: 'new@example.com', emailVerified: false });
    expect(fakes.audit.record).toHaveBeenCalled();
  });

  it('sends no notice when the account had no address before', async () => {
    const { service, steps, row } = setup();
    row.email = null;
    row.emailVerified = false;
    await service.changeEmail('u1', { email: 'new@example.com' }, meta);
    expect(steps.filter((s) => s.startsWith('mail'))).toEqual(['mail activation new@example.com']);
  });

  it('changes nothing for the same address in another case', async () => {
    const { service, steps } = setup();
    await expect(service.changeEmail('u1', { email: 'OLD@example.com' }, meta)).resolves.toEqual({
      email: 'old@example.com',
      email_verified: true,
    });
    expect(steps).toEqual([]);
  });

  it('caps changes per day (each one mails an address), before revealing "taken"', async () => {
    const { service, fakes, repo, users } = setup();
    fakes.limiter.hit.mockResolvedValueOnce({ allowed: false, count: 11, retryAfter: 3600 });
    await expect(service.changeEmail('u1', { email: 'new@example.com' }, meta)).rejects.toMatchObject({
      status: 429,
      reason: 'email_change_limit',
    });
    expect(users.assertAvailable).not.toHaveBeenCalled();
    expect(repo.update).not.toHaveBeenCalled();
  });
});

describe('AccountService.updateProfile', () => {
  it('writes only the fields given, null clearing one, and answers the fresh profile', async () => {
    const { service, repo, steps } = setup();
    await expect(
      service.updateProfile('u1', { nickname: '小明', signature: null, gender: undefined }),
    ).resolves.toEqual({ id: 'u1' });
    expect(repo.update).toHaveBeenCalledWith({ id: 'u1' }, { nickname: '小明', signature: null });
    expect(steps).toEqual(['update {"nickname":"小明","signature":null}', 'invalidate', 'profile']);
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
