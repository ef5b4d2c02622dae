import { createHash } from 'node:crypto';
import { jest } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Redis } from 'ioredis';
import { loadConfig } from '../config/config.js';
import type { UsersService } from '../users/users.service.js';
import type { AuthUser } from './jwt-auth.guard.js';
import { ReauthTokens } from './reauth-tokens.js';
import { ReauthGuard, Sensitive, isReauthenticated } from './reauth.guard.js';

// The tokens against the real Redis (database 14); the routes carry the real decorator.
const redis = new Redis('redis://127.0.0.1:6379/14');
const tokens = new ReauthTokens(redis, loadConfig({}));
afterAll(() => redis.quit());

class Routes {
  @Sensitive()
  always() {}
  @Sensitive('signed-in')
  signedIn() {}
  @Sensitive('no-password')
  noPassword() {}
  @Sensitive('optional')
  optional() {}
}
type Route = 'always' | 'signedIn' | 'noPassword' | 'optional';

const alice = (): AuthUser => ({ id: `u-${Math.random()}`, sessionId: `s-${Math.random()}` });

function setup(passwordHash: string | null = 'hash') {
  const users = { require: jest.fn(async (id: string) => ({ id, passwordHash })) };
  const guard = new ReauthGuard(new Reflector(), tokens, users as unknown as UsersService);
  const call = async (route: Route, user?: AuthUser, token?: unknown) => {
    const request: { authUser?: AuthUser; headers: Record<string, unknown>; reauthenticated?: boolean } = {
      authUser: user,
      headers: token === undefined ? {} : { 'x-reauth-token': token },
    };
    const context = {
      getHandler: () => Routes.prototype[route],
      switchToHttp: () => ({ getRequest: () => request }),
    } as unknown as ExecutionContext;
    const allowed = await guard.canActivate(context);
    return { allowed, reauthenticated: isReauthenticated(request) };
  };
  return { call, users };
}

const refused = { status: 403, reason: 'reauth_required', code: 10131 };

describe('ReauthGuard', () => {
  it('always: passes with a token issued to this user and session, and marks the request', async () => {
    const { call } = setup();
    const user = alice();
    const { reauth_token } = await tokens.issue(user);
    await expect(call('always', user, reauth_token)).resolves.toEqual({ allowed: true, reauthenticated: true });
  });

  it('always: refuses without a token, with a malformed one, or without a signed-in user', async () => {
    const { call } = setup();
    const user = alice();
    const { reauth_token } = await tokens.issue(user);
    await expect(call('always', user)).rejects.toMatchObject(refused);
    await expect(call('always', user, 'x'.repeat(43))).rejects.toMatchObject(refused);
    await expect(call('always', user, [reauth_token])).rejects.toMatchObject(refused);
    await expect(call('always', undefined, reauth_token)).rejects.toMatchObject(refused);
  });

  it("always: refuses another session's or another user's token", async () => {
    const { call } = setup();
    const user = alice();
    const { reauth_token } = await tokens.issue(user);
    await expect(call('always', { ...user, sessionId: 'other-session' }, reauth_token)).rejects.toMatchObject(refused);
    await expect(call('always', { ...alice(), sessionId: user.sessionId }, reauth_token)).rejects.toMatchObject(
      refused,
    );
  });

  it('signed-in: lets an anonymous request through, asks a signed-in caller for a token', async () => {
    const { call } = setup();
    const user = alice();
    await expect(call('signedIn')).resolves.toEqual({ allowed: true, reauthenticated: false });
    await expect(call('signedIn', user)).rejects.toMatchObject(refused);
    const { reauth_token } = await tokens.issue(user);
    await expect(call('signedIn', user, reauth_token)).resolves.toEqual({ allowed: true, reauthenticated: true });
  });

  it('no-password: an account with a password passes (the old password is the proof)', async () => {
    const { call, users } = setup('hash');
    const user = alice();
    await expect(call('noPassword', user)).resolves.toEqual({ allowed: true, reauthenticated: false });
    expect(users.require).toHaveBeenCalledWith(user.id);
  });

  it('no-password: an account without one needs a token', async () => {
    const { call } = setup(null);
    const user = alice();
    await expect(call('noPassword', user)).rejects.toMatchObject(refused);
    const { reauth_token } = await tokens.issue(user);
    await expect(call('noPassword', user, reauth_token)).resolves.toEqual({ allowed: true, reauthenticated: true });
  });

  it('no-password: lets an anonymous request through without asking the database', async () => {
    const { call, users } = setup(null);
    await expect(call('noPassword')).resolves.toEqual({ allowed: true, reauthenticated: false });
    expect(users.require).not.toHaveBeenCalled();
  });

  it('optional: never refuses, and tells the route whether a valid token came', async () => {
    const { call } = setup();
    const user = alice();
    await expect(call('optional', user)).resolves.toEqual({ allowed: true, reauthenticated: false });
    await expect(call('optional', user, 'y'.repeat(43))).resolves.toEqual({ allowed: true, reauthenticated: false });
    const { reauth_token } = await tokens.issue(user);
    await expect(call('optional', user, reauth_token)).resolves.toEqual({ allowed: true, reauthenticated: true });
  });

  it('a token stops working once its Redis entry is gone (TTL)', async () => {
    const { call } = setup();
    const user = alice();
    const { reauth_token, expires_in } = await tokens.issue(user);
    expect(expires_in).toBe(300);
    await redis.expire(`reauth:${createHash('sha256').update(reauth_token).digest('hex')}`, 0);
    await expect(call('always', user, reauth_token)).rejects.toMatchObject(refused);
  });
});
