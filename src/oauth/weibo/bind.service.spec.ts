import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { CredentialsService } from '../../auth/credentials.service.js';
import { RegistrationService } from '../../auth/registration.service.js';
import { fail } from '../../common/errors/index.js';
import { loadConfig } from '../../config/config.js';
import { BindService } from './bind.service.js';

// Expected failures log loudly; keep the test output readable.
beforeEach(() => {
  jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

const meta = { ip: '1.2.3.4', userAgent: null };
const TICKET = 'T'.repeat(43);
const newAccount = {
  bind_ticket: TICKET,
  username: 'xiaoming',
  password: 'long password',
  phone: '+8613800138000',
  email: 'x@example.com',
  verify: '123456',
};
const tokens = { username: 'xiaoming', token: 'jwt', refresh_token: 'r', expires_in: 900 };

/**
 * The real RegistrationService and CredentialsService over recorders; `writes` is what a committed
 * transaction would have kept.
 */
function setup() {
  const writes: string[] = [];
  const tickets = { live: new Map([[TICKET, '1000000001']]) };
  const fakes = {
    tickets: {
      peek: jest.fn(async (t: string) => tickets.live.get(t) ?? null),
      consume: jest.fn(async (t: string) => {
        const uid = tickets.live.get(t) ?? null;
        tickets.live.delete(t);
        return uid;
      }),
    },
    users: {
      transaction: jest.fn(async (work: (m: unknown) => Promise<unknown>) => {
        const pending: string[] = [];
        const result = await work({ pending });
        writes.push(...pending); // only on commit
        return result;
      }),
      assertAvailable: jest.fn(async () => undefined),
      create: jest.fn(async (data: { username: string }, m: { pending: string[] }) => {
        m.pending.push(`user ${data.username}`);
        return { id: 'u1', username: data.username };
      }),
      findByAccount: jest.fn(async () => ({ id: 'u2', username: 'old', passwordHash: 'hash' })),
    },
    identities: {
      bind: jest.fn(async (_p: string, uid: string, userId: string, m?: { pending: string[] }) => {
        (m?.pending ?? writes).push(`bind ${uid} ${userId}`);
      }),
      listForUser: jest.fn(async () => [] as Array<{ provider: string }>),
    },
    sms: { verify: jest.fn(async () => undefined) },
    hasher: { hash: jest.fn(async () => 'hash'), verify: jest.fn(async () => true) },
    limiter: {
      attempt: jest.fn(async (): Promise<number | null> => null),
      reset: async () => undefined,
      release: async () => undefined,
    },
    auth: { signIn: jest.fn(async () => tokens), startSession: jest.fn(async () => tokens) },
    activation: { sendActivationQuietly: jest.fn(async () => undefined) },
    audit: { record: jest.fn(async () => undefined) },
  };
  const f = fakes as Record<keyof typeof fakes, never>;
  const registration = new RegistrationService(f.users, f.sms, f.hasher, f.activation, f.auth, f.audit);
  const credentials = new CredentialsService(f.limiter, loadConfig({}), f.hasher, f.users);
  const service = new BindService(f.tickets, f.identities, registration, credentials, f.auth, f.audit);
  return { service, fakes, writes, tickets };
}

describe('BindService.createAccount', () => {
  it('writes the user and the binding in one transaction, queues the activation mail and signs in', async () => {
    const { service, fakes, writes } = setup();
    await expect(service.createAccount(newAccount, meta)).resolves.toEqual(tokens);
    expect(fakes.users.transaction).toHaveBeenCalledTimes(1);
    expect(writes).toEqual(['user xiaoming', 'bind 1000000001 u1']);
    expect(fakes.activation.sendActivationQuietly).toHaveBeenCalledWith('u1');
    expect(fakes.audit.record).toHaveBeenCalledWith('identity_bound', 'u1', meta, { provider: 'weibo' });
  });

  it('maps a database failure to 10114 with nothing committed', async () => {
    const { service, fakes, writes } = setup();
    fakes.identities.bind.mockRejectedValueOnce(
      new QueryFailedError('UPDATE identities', [], new Error('connection lost')),
    );
    await expect(service.createAccount(newAccount, meta)).rejects.toMatchObject({
      status: 500,
      code: 10114,
      reason: 'bind_database_error',
    });
    expect(writes).toEqual([]);
    expect(fakes.auth.startSession).not.toHaveBeenCalled();
  });

  it('passes the 409s of unique violations through, also rolled back', async () => {
    const { service, fakes, writes, tickets } = setup();
    fakes.identities.bind.mockRejectedValueOnce(fail('identity_bound_to_another_account'));
    await expect(service.createAccount(newAccount, meta)).rejects.toMatchObject({ status: 409, code: 10124 });
    tickets.live.set(TICKET, '1000000001');
    fakes.users.create.mockRejectedValueOnce(fail('username_taken'));
    await expect(service.createAccount(newAccount, meta)).rejects.toMatchObject({
      status: 409,
      reason: 'username_taken',
    });
    expect(writes).toEqual([]);
  });

  it('refuses an unknown ticket before spending the SMS code', async () => {
    const { service, fakes } = setup();
    await expect(service.createAccount({ ...newAccount, bind_ticket: 'U'.repeat(43) }, meta)).rejects.toMatchObject({
      status: 400,
      code: 10122,
    });
    expect(fakes.sms.verify).not.toHaveBeenCalled();
  });

  it('keeps the ticket when the username is taken', async () => {
    const { service, fakes, tickets } = setup();
    fakes.users.assertAvailable.mockRejectedValueOnce(fail('username_taken'));
    await expect(service.createAccount(newAccount, meta)).rejects.toMatchObject({ status: 409 });
    expect(tickets.live.has(TICKET)).toBe(true);
  });

  it('keeps the ticket when the SMS code is wrong', async () => {
    const { service, fakes, tickets } = setup();
    fakes.sms.verify.mockRejectedValueOnce(fail('sms_code_invalid'));
    await expect(service.createAccount(newAccount, meta)).rejects.toMatchObject({ code: 10112 });
    expect(tickets.live.has(TICKET)).toBe(true);
  });

  it('lets only the first of two uses of a ticket bind', async () => {
    const { service } = setup();
    const results = await Promise.allSettled([
      service.createAccount(newAccount, meta),
      service.createAccount(newAccount, meta),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({
      code: 10122,
    });
  });
});

describe('BindService.bindExisting', () => {
  const input = { bind_ticket: TICKET, account: 'old', password: 'pw' };

  it('counts a wrong password like a login failure and keeps the ticket', async () => {
    const { service, fakes, tickets } = setup();
    fakes.hasher.verify.mockResolvedValueOnce(false);
    await expect(service.bindExisting(input, meta)).rejects.toMatchObject({ status: 401, code: 10116 });
    expect(fakes.limiter.attempt).toHaveBeenCalledWith(
      [expect.objectContaining({ key: 'login:id:old' }), expect.objectContaining({ key: 'login:ip:1.2.3.4' })],
      expect.any(Number),
    );
    expect(tickets.live.has(TICKET)).toBe(true);
  });

  it('is refused while login is locked', async () => {
    const { service, fakes } = setup();
    fakes.limiter.attempt.mockResolvedValueOnce(60);
    await expect(service.bindExisting(input, meta)).rejects.toMatchObject({ status: 429 });
    expect(fakes.hasher.verify).not.toHaveBeenCalled();
    expect(fakes.identities.bind).not.toHaveBeenCalled();
  });

  it('refuses an account that already has a Weibo, keeping the ticket', async () => {
    const { service, fakes, tickets } = setup();
    fakes.identities.listForUser.mockResolvedValueOnce([{ provider: 'weibo' }]);
    await expect(service.bindExisting(input, meta)).rejects.toMatchObject({ status: 409, code: 10125 });
    expect(tickets.live.has(TICKET)).toBe(true);
  });

  it('binds, records it and signs in', async () => {
    const { service, fakes, writes, tickets } = setup();
    await expect(service.bindExisting(input, meta)).resolves.toEqual(tokens);
    expect(writes).toEqual(['bind 1000000001 u2']);
    expect(tickets.live.has(TICKET)).toBe(false);
    expect(fakes.audit.record).toHaveBeenCalledWith('identity_bound', 'u2', meta, { provider: 'weibo' });
    expect(fakes.auth.signIn).toHaveBeenCalledWith(expect.objectContaining({ id: 'u2' }), meta, 'weibo');
  });
});
