import { generateUsername, profileFields, wechatIdentityKey } from './wechat-login.service.js';

describe('wechatIdentityKey', () => {
  it('keys on the unionid when WeChat sends one', () => {
    expect(wechatIdentityKey('wxapp', { openid: 'o1', unionid: 'u1' })).toBe('unionid:u1');
  });

  it('keys on (appid, openid) otherwise, since openids are per app', () => {
    expect(wechatIdentityKey('wxapp', { openid: 'o1' })).toBe('openid:wxapp:o1');
  });
});

describe('generateUsername', () => {
  it('fits the username rule and does not repeat', () => {
    const names = Array.from({ length: 200 }, generateUsername);
    for (const name of names) expect(name).toMatch(/^wx_[a-z0-9]{12}$/);
    expect(names.every((n) => /^[A-Za-z0-9_]{3,20}$/.test(n))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('profileFields', () => {
  it('fills nickname and avatar of a new account from userinfo', () => {
    expect(profileFields({ nickName: '小明', avatarUrl: 'https://thirdwx.qlogo.cn/a/132' })).toEqual({
      nickname: '小明',
      avatar: 'https://thirdwx.qlogo.cn/a/132',
    });
  });

  it('cuts a nickname to 32 characters (code points) and drops control characters', () => {
    expect(profileFields({ nickName: '🐼'.repeat(40) }).nickname).toBe('🐼'.repeat(32));
    expect(profileFields({ nickName: ' a\u0000b\n ' }).nickname).toBe('ab');
  });

  it('leaves both null without userinfo or with empty values', () => {
    expect(profileFields()).toEqual({ nickname: null, avatar: null });
    expect(profileFields({ nickName: '  ', avatarUrl: '' })).toEqual({ nickname: null, avatar: null });
  });
});
