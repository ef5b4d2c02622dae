import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { fail } from '../common/errors/index.js';
import { RegistrationService, type AccountLink } from './registration.service.js';

beforeEach(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));
afterEach(() => jest.restoreAllMocks());

const meta = { ip: '1.2.3.4', userAgent: 'ua' };
const dto = {
  username: 'xiaoming',
  phone: '+8613800138000',
  verify: '123456',
  password: 'long password',
  email: 'x@example.com',
};
const signedIn = { username: 'xiaoming', token: 'jwt', refresh_token: 'r', expires_in: 900 };

/** Collaborators as recorders; `steps` is the order of the calls that matter, `rows` what committed. */
function setup() {
  const steps: string[] = [];
  const rows: string[] = [];
  const manager = { name: 'transaction' };
  const fakes = {
    users: {
      assertAvailable: jest.fn(async (f: object) => void steps.push(`available ${Object.keys(f).join(',')}`)),
      transaction: jest.fn(async (work: (m: unknown) => Promise<unknown>) => {
        steps.push('begin');
        const pending: string[] = [];
        const m = { ...manager, pending };
        try {
          const result = await work(m);
          rows.push(...pending);
          steps.push('commit');
          return result;
        } catch (err) {
          steps.push('rollback');
          throw err;
        }
      }),
      create: jest.fn(async (data: { username: string }, m: { pending: string[] }) => {
        steps.push(`create ${data.username}`);
        m.pending.push('user');
        return { id: 'u1', username: data.username };
      }),
    },
    sms: { verify: jest.fn(async () => void steps.push('verify')) },
    hasher: { hash: jest.fn(async (p: string) => (steps.push('hash'), `hash:${p}`)) },
    activation: { sendActivationQuietly: jest.fn(async () => void steps.push('mail')) },
    auth: { startSession: jest.fn(async () => (steps.push('session'), signedIn)) },
    audit: { record: jest.fn(async (type: string) => void steps.push(`audit ${type}`)) },
  };
  const link = {
    via: 'weibo' as const,
    claim: jest.fn(async () => void steps.push('claim')),
    attach: jest.fn(async (userId: string, m: { pending: string[] }) => {
      steps.push(`attach ${userId} ${m.pending.includes('user')}`);
      m.pending.push('identity');
    }),
  };
  const f = fakes as Record<keyof typeof fakes, never>;
  const service = new RegistrationService(f.users, f.sms, f.hasher, f.activation, f.auth, f.audit);
  return { service, fakes, link, steps, rows, asLink: link as unknown as AccountLink };
}

describe('RegistrationService', () => {
  it.each([
    ['common', 'iloveyou'],
    ['holding the username', 'XiaoMing2024!'],
    ['holding the phone', 'p13800138000'],
    ["holding the email's name", 'xxxxexample rocks'],
  ])('refuses a password %s with 400 fields.password before any code is spent', async (_what, password) => {
    const { service, fakes, steps } = setup();
    const email = 'xxxxexample@example.com';
    await expect(service.register({ ...dto, email, password }, meta)).rejects.toMatchObject({
      code: 10100,
      extra: { fields: { password: expect.any(String) } },
    });
    expect(steps).toEqual([]);
    expect(fakes.sms.verify).not.toHaveBeenCalled();
  });

  it('checks the username, spends the code, checks phone and email, hashes, creates, then mails, records, signs in', async () => {
    const { service, fakes, steps, rows } = setup();
    await expect(service.register(dto, meta)).resolves.toBe(signedIn);
    expect(steps).toEqual([
      'available username',
      'verify',
      'available phone,email',
      'hash',
      'begin',
      'create xiaoming',
      'commit',
      'mail',
      'audit registered',
      'session',
    ]);
    expect(rows).toEqual(['user']);
    expect(fakes.users.create).toHaveBeenCalledWith(
      { username: 'xiaoming', phone: dto.phone, email: dto.email, passwordHash: 'hash:long password' },
      expect.anything(),
    );
    expect(fakes.audit.record).toHaveBeenCalledWith('registered', 'u1', meta, {});
  });

  it('refuses a taken username before the code is spent', async () => {
    const { service, fakes } = setup();
    fakes.users.assertAvailable.mockRejectedValueOnce(fail('username_taken'));
    await expect(service.register(dto, meta)).rejects.toMatchObject({ status: 409, reason: 'username_taken' });
    expect(fakes.sms.verify).not.toHaveBeenCalled();
  });

  it('stops at a wrong code before phone and email are checked (no enumeration) and before the hash', async () => {
    const { service, fakes, steps } = setup();
    fakes.sms.verify.mockRejectedValueOnce(fail('sms_code_invalid'));
    await expect(service.register(dto, meta)).rejects.toMatchObject({ reason: 'sms_code_invalid' });
    expect(steps).toEqual(['available username']);
    expect(fakes.hasher.hash).not.toHaveBeenCalled();
  });

  it('with a link: claims it after every check and the hash, attaches it inside the transaction, records both', async () => {
    const { service, fakes, link, asLink, steps, rows } = setup();
    await expect(service.register(dto, meta, asLink)).resolves.toBe(signedIn);
    expect(steps).toEqual([
      'available username',
      'verify',
      'available phone,email',
      'hash',
      'claim',
      'begin',
      'create xiaoming',
      'attach u1 true',
      'commit',
      'mail',
      'audit registered',
      'audit identity_bound',
      'session',
    ]);
    expect(rows).toEqual(['user', 'identity']);
    expect(link.attach).toHaveBeenCalledWith('u1', expect.objectContaining({ name: 'transaction' }));
    expect(fakes.audit.record).toHaveBeenCalledWith('registered', 'u1', meta, { via: 'weibo' });
    expect(fakes.audit.record).toHaveBeenCalledWith('identity_bound', 'u1', meta, { provider: 'weibo' });
  });

  it.each([
    ['the username', 0, 'username_taken'],
    ['the phone or email', 1, 'phone_taken'],
  ] as const)('with a link: does not claim it when %s is taken', async (_what, call, reason) => {
    const { service, fakes, link, asLink } = setup();
    if (call === 1) fakes.users.assertAvailable.mockResolvedValueOnce(undefined);
    fakes.users.assertAvailable.mockRejectedValueOnce(fail(reason));
    await expect(service.register(dto, meta, asLink)).rejects.toMatchObject({ status: 409 });
    expect(link.claim).not.toHaveBeenCalled();
    expect(fakes.users.transaction).not.toHaveBeenCalled();
  });

  it('with a link: does not claim it for a wrong code', async () => {
    const { service, fakes, link, asLink } = setup();
    fakes.sms.verify.mockRejectedValueOnce(fail('sms_code_invalid'));
    await expect(service.register(dto, meta, asLink)).rejects.toMatchObject({ reason: 'sms_code_invalid' });
    expect(link.claim).not.toHaveBeenCalled();
  });

  it('with a link: a claim that fails (ticket spent) creates nothing', async () => {
    const { service, fakes, link, asLink, rows } = setup();
    link.claim.mockRejectedValueOnce(fail('bind_ticket_invalid'));
    await expect(service.register(dto, meta, asLink)).rejects.toMatchObject({ reason: 'bind_ticket_invalid' });
    expect(fakes.users.transaction).not.toHaveBeenCalled();
    expect(rows).toEqual([]);
  });

  it('with a link: a lost race (409) passes through and the rollback leaves nothing', async () => {
    const { service, fakes, asLink, rows, steps } = setup();
    fakes.users.create.mockRejectedValueOnce(fail('username_taken'));
    await expect(service.register(dto, meta, asLink)).rejects.toEqual(fail('username_taken'));
    expect(steps).toContain('rollback');
    expect(rows).toEqual([]);
    expect(fakes.auth.startSession).not.toHaveBeenCalled();
  });

  it('with a link: an identity bound meanwhile (409) passes through, the account rolled back', async () => {
    const { service, link, asLink, rows } = setup();
    link.attach.mockRejectedValueOnce(fail('identity_bound_to_another_account'));
    await expect(service.register(dto, meta, asLink)).rejects.toMatchObject({
      reason: 'identity_bound_to_another_account',
    });
    expect(rows).toEqual([]);
  });

  it('with a link: any other database failure is 10114 bind_database_error, the rollback leaving nothing', async () => {
    const { service, fakes, link, asLink, rows } = setup();
    link.attach.mockRejectedValueOnce(new Error('connection terminated'));
    await expect(service.register(dto, meta, asLink)).rejects.toMatchObject({
      code: 10114,
      reason: 'bind_database_error',
    });
    expect(rows).toEqual([]);
    expect(fakes.audit.record).not.toHaveBeenCalled();
    expect(fakes.auth.startSession).not.toHaveBeenCalled();
  });

  it('without a link a database failure passes through as it is', async () => {
    const { service, fakes } = setup();
    const failure = new Error('connection terminated');
    fakes.users.create.mockRejectedValueOnce(failure);
    await expect(service.register(dto, meta)).rejects.toBe(failure);
  });
});
