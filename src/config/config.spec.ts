import { loadConfig } from './config.js';
import { ConfigError } from './env-reader.js';

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

const strongProd = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://db/auth',
  JWT_SECRET: 'k'.repeat(40),
  SMS_CODE_SECRET: 's'.repeat(40),
  RONGLIAN_ACCOUNT_SID: 'sid',
  RONGLIAN_AUTH_TOKEN: 'a-real-token-value',
  RONGLIAN_APP_ID: 'app',
  ENCRYPTION_KEYS: `3:${Buffer.alloc(32, 1).toString('base64')}`,
  SMTP_URL: 'smtp://mail.example.com:587',
  CAPTCHA_SECRET: 'c'.repeat(40),
  TRUST_PROXY: '1',
};

describe('loadConfig', () => {
  it('has working development defaults with no environment at all', () => {
    const config = loadConfig({});
    expect(config.env).toBe('development');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.sms.driver).toBe('log');
    expect(config.argon2).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
    expect(config.sms).toMatchObject({ codeTtlSeconds: 180, cooldownSeconds: 60, dailyCap: 10, maxAttempts: 5 });
    expect(config.jwt.accessTtlSeconds).toBe(900);
  });

  it('names every invalid variable', () => {
    expect(problems({ PORT: 'eighty', SMS_COOLDOWN: '0', REDIS_URL: 'nope', TRUST_PROXY: 'x' })).toEqual([
      expect.stringContaining('PORT'),
      expect.stringContaining('TRUST_PROXY'),
      expect.stringContaining('REDIS_URL'),
      expect.stringContaining('SMS_COOLDOWN'),
    ]);
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig(strongProd);
    expect(config.sms.driver).toBe('ronglian');
    expect(config.encryption.current).toBe(3);
  });

  it.each(['JWT_SECRET', 'SMS_CODE_SECRET', 'RONGLIAN_AUTH_TOKEN', 'ENCRYPTION_KEYS', 'CAPTCHA_SECRET', 'TRUST_PROXY'])(
    'refuses production without %s',
    (name) => {
      const env: Record<string, string> = { ...strongProd };
      delete env[name];
      expect(problems(env).join('\n')).toContain(name);
    },
  );

  it('refuses placeholder secrets and the log SMS driver in production', () => {
    expect(problems({ ...strongProd, JWT_SECRET: 'changeme' }).join()).toContain('JWT_SECRET');
    expect(problems({ ...strongProd, RONGLIAN_AUTH_TOKEN: 'placeholder' }).join()).toContain('RONGLIAN_AUTH_TOKEN');
    expect(problems({ ...strongProd, SMS_DRIVER: 'log' }).join()).toContain('SMS_DRIVER');
    expect(problems({ ...strongProd, MAIL_DRIVER: 'log' }).join()).toContain('MAIL_DRIVER');
  });

  it('refuses argon2 parameters below the OWASP minimum', () => {
    expect(problems({ ARGON2_MEMORY_KIB: '4096' }).join()).toContain('ARGON2_MEMORY_KIB');
  });

  describe('SMS providers', () => {
    const aliyun = {
      SMS_DRIVER: 'aliyun',
      ALIYUN_SMS_ACCESS_KEY_ID: 'LTAI5tRealKeyId',
      ALIYUN_SMS_ACCESS_KEY_SECRET: 'a-real-access-key-secret',
      ALIYUN_SMS_SIGN_NAME: '认证服务',
      ALIYUN_SMS_TEMPLATE_CODE: 'SMS_476500001',
    };
    const tencent = {
      SMS_DRIVER: 'tencent',
      TENCENT_SMS_SECRET_ID: 'AKIDrealSecretId',
      TENCENT_SMS_SECRET_KEY: 'a-real-secret-key',
      TENCENT_SMS_SDK_APP_ID: '1400123456',
      TENCENT_SMS_SIGN_NAME: '认证服务',
      TENCENT_SMS_TEMPLATE_ID: '2301234',
    };
    const withoutRonglian = (env: Record<string, string>) => {
      const copy: Record<string, string> = { ...strongProd, ...env };
      for (const name of ['RONGLIAN_ACCOUNT_SID', 'RONGLIAN_AUTH_TOKEN', 'RONGLIAN_APP_ID']) delete copy[name];
      return copy;
    };

    it('accepts a complete Alibaba or Tencent configuration in production, with the documented defaults', () => {
      const a = loadConfig(withoutRonglian(aliyun));
      expect(a.sms.driver).toBe('aliyun');
      expect(a.aliyun).toMatchObject({
        endpoint: 'https://dysmsapi.aliyuncs.com',
        noticeTemplateCode: '',
        timeoutMs: 5000,
      });
      const t = loadConfig(withoutRonglian(tencent));
      expect(t.sms.driver).toBe('tencent');
      expect(t.tencent).toMatchObject({ endpoint: 'https://sms.tencentcloudapi.com', region: 'ap-guangzhou' });
    });

    it.each([
      ...Object.keys(aliyun)
        .filter((name) => name !== 'SMS_DRIVER')
        .map((name) => [aliyun, name] as const),
      ...Object.keys(tencent)
        .filter((name) => name !== 'SMS_DRIVER')
        .map((name) => [tencent, name] as const),
    ])('refuses the chosen driver without %#: %s', (env, name) => {
      const partial: Record<string, string> = { ...env };
      delete partial[name];
      expect(problems(withoutRonglian(partial)).join('\n')).toContain(name);
    });

    it('refuses placeholder provider secrets in production', () => {
      const a = withoutRonglian({ ...aliyun, ALIYUN_SMS_ACCESS_KEY_SECRET: 'changeme' });
      expect(problems(a).join()).toContain('ALIYUN_SMS_ACCESS_KEY_SECRET');
      const t = withoutRonglian({ ...tencent, TENCENT_SMS_SECRET_KEY: 'placeholder' });
      expect(problems(t).join()).toContain('TENCENT_SMS_SECRET_KEY');
    });

    it('picks the driver from the credentials present when SMS_DRIVER is unset, and ignores other drivers', () => {
      const { SMS_DRIVER: _a, ...aliyunOnly } = aliyun;
      expect(loadConfig(aliyunOnly).sms.driver).toBe('aliyun');
      const { SMS_DRIVER: _t, ...tencentOnly } = tencent;
      expect(loadConfig(tencentOnly).sms.driver).toBe('tencent');
      expect(
        problems({ SMS_DRIVER: 'ronglian', RONGLIAN_ACCOUNT_SID: 's', RONGLIAN_AUTH_TOKEN: 't' }).join(),
      ).toContain('RONGLIAN_APP_ID');
      expect(problems({ SMS_DRIVER: 'sinch' }).join()).toContain('SMS_DRIVER');
    });
  });
});
