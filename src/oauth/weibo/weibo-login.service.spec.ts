import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Envelope } from '../../common/envelope.js';
import { fail } from '../../common/errors/index.js';
import { WeiboLoginService } from './weibo-login.service.js';
import type { WeiboProfile } from './weibo.strategy.js';

// Expected failures log loudly; keep the test output readable.
beforeEach(() => {
  jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

const meta = { ip: '1.2.3.4', userAgent: null };
const profile: WeiboProfile = { uid: '42', screen_name: 'n', avatar: 'a', accessToken: '2.00tok', expiresIn: 60 };
const tokens = { username: 'u', token: 'jwt', refresh_token: 'r', expires_in: 900 };

function setup(
  user: Record<string, unknown> = { id: 'u1', passwordHash: 'h', phone: '+8613800138000' },
  owned = [{ provider: 'weibo' }],
) {
  const fakes = {
    identities: {
      recordSeen: jest.fn(async () => ({ userId: null as string | null })),
      bind: jest.fn(async () => undefined),
      listForUser: jest.fn(async () => owned),
      unlink: jest.fn(async () => ({ credential: '2.00tok' })),
    },
    tickets: { issue: jest.fn(async () => ({ ticket: 'T'.repeat(43), expiresIn: 600 })) },
    users: { require: jest.fn(async () => user) },
    auth: { signIn: jest.fn(async () => tokens) },
    weibo: { revoke: jest.fn(async () => true) },
    audit: { record: jest.fn(async () => undefined) },
  };
  const f = fakes as Record<keyof typeof fakes, never>;
  return {
    fakes,
    service: new WeiboLoginService(f.identities, f.tickets, f.users, f.auth, f.weibo, f.audit),
  };
}

describe('WeiboLoginService.handleCallback', () => {
  it('records the sign-in with the token to seal, and offers a bind ticket (code 201) for a new uid', async () => {
    const { service, fakes } = setup();
    const answer = await service.handleCallback(profile, null, meta);
    expect(fakes.identities.recordSeen).toHaveBeenCalledWith(
      expect.objectContaining({
        provider: 'weibo',
        providerUid: '42',
        credential: '2.00tok',
        credentialExpiresAt: expect.any(Date),
      }),
    );
    expect(answer).toEqual(
      new Envelope(201, {
        bind_ticket: 'T'.repeat(43),
        expires_in: 600,
        profile: { uid: '42', screen_name: 'n', avatar: 'a' },
      }),
    );
    expect(fakes.tickets.issue).toHaveBeenCalledWith('42');
  });

  it('signs a bound uid in', async () => {
    const { service, fakes } = setup();
    fakes.identities.recordSeen.mockResolvedValueOnce({ userId: 'u1' });
    await expect(service.handleCallback(profile, null, meta)).resolves.toEqual(tokens);
    expect(fakes.auth.signIn).toHaveBeenCalledWith(expect.objectContaining({ id: 'u1' }), meta, 'weibo');
    expect(fakes.tickets.issue).not.toHaveBeenCalled();
  });

  it('links for the signed-in user (the identities record drops the cached profile), records it and signs in', async () => {
    const { service, fakes } = setup();
    await expect(service.handleCallback(profile, 'u1', meta)).resolves.toEqual(tokens);
    expect(fakes.identities.bind).toHaveBeenCalledWith('weibo', '42', 'u1');
    expect(fakes.audit.record).toHaveBeenCalledWith('identity_bound', 'u1', meta, { provider: 'weibo' });
  });

  it('does not sign in when the link is refused', async () => {
    const { service, fakes } = setup();
    fakes.identities.bind.mockRejectedValueOnce(fail('identity_bound_to_another_account'));
    await expect(service.handleCallback(profile, 'u1', meta)).rejects.toMatchObject({ status: 409 });
    expect(fakes.auth.signIn).not.toHaveBeenCalled();
    expect(fakes.audit.record).not.toHaveBeenCalled();
  });
});

describe('WeiboLoginService.unlink', () => {
  it('unlinks, records it and revokes the token at Weibo', async () => {
    const { service, fakes } = setup();
    await service.unlink('u1', meta);
    expect(fakes.identities.unlink).toHaveBeenCalledWith('u1', 'weibo');
    expect(fakes.audit.record).toHaveBeenCalledWith('identity_unbound', 'u1', meta, { provider: 'weibo' });
    expect(fakes.weibo.revoke).toHaveBeenCalledWith('2.00tok');
  });

  it('still succeeds when the revocation fails (best effort)', async () => {
    const { service, fakes } = setup();
    fakes.weibo.revoke.mockRejectedValueOnce(new Error('down'));
    await expect(service.unlink('u1', meta)).resolves.toBeUndefined();
  });

  it.each([
    ['a password', { id: 'u1', passwordHash: 'h', phone: null }, [{ provider: 'weibo' }]],
    ['a phone', { id: 'u1', passwordHash: null, phone: '+8613800138000' }, [{ provider: 'weibo' }]],
    [
      'another identity',
      { id: 'u1', passwordHash: null, phone: null },
      [{ provider: 'weibo' }, { provider: 'wechat' }],
    ],
  ])('allows unlinking when the account keeps %s', async (_what, user, owned) => {
    const { service, fakes } = setup(user, owned);
    await service.unlink('u1', meta);
    expect(fakes.identities.unlink).toHaveBeenCalled();
  });

  it('refuses to remove the only way to sign in (409 10128)', async () => {
    const { service, fakes } = setup({ id: 'u1', passwordHash: null, phone: null });
    await expect(service.unlink('u1', meta)).rejects.toMatchObject({
      status: 409,
      code: 10128,
      reason: 'last_sign_in_method',
    });
    expect(fakes.identities.unlink).not.toHaveBeenCalled();
  });

  it('answers 404 when no Weibo is linked', async () => {
    const { service } = setup(undefined, []);
    await expect(service.unlink('u1', meta)).rejects.toMatchObject({ status: 404, reason: 'identity_not_found' });
  });
});
