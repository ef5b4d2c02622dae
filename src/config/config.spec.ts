import { loadConfig } from './config.js';
import { ConfigError } from './env-reader.js';
import { bitsPerChar } from './production-rules.js';

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
  JWT_SECRET: 'r7Qm2xV9pL4kT8wZ1cN6bH3jF5dS0aYeUgXiOoPq',
  SMS_CODE_SECRET: 'Hk3Lp9Qz2Wm7Xv5Nc1Bt8Ry4Js6Df0GaEuIoYhTw',
  RONGLIAN_ACCOUNT_SID: 'sid',
  RONGLIAN_AUTH_TOKEN: 'a-real-token-value',
  RONGLIAN_APP_ID: 'app',
  ENCRYPTION_KEYS: `3:${Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) % 256)).toString('base64')}`,
  SMTP_URL: 'smtp://mail.example.com:587',
  CAPTCHA_SECRET: 'Zc4Vb8Nm1Qw5Er9Ty3Ui7Op2As6Df0GhJkLxCvBn',
  ACTIVATION_URL: 'https://auth.example.com/active.html',
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

  describe('production refusals (each names its variable)', () => {
    const refused = (env: Record<string, string>) => problems({ ...strongProd, ...env }).join('\n');

    it('refuses a secret reused under another name', () => {
      expect(refused({ SMS_CODE_SECRET: strongProd.JWT_SECRET })).toContain(
        'SMS_CODE_SECRET must differ from JWT_SECRET',
      );
      expect(refused({ CAPTCHA_SECRET: strongProd.JWT_SECRET })).toContain(
        'CAPTCHA_SECRET must differ from JWT_SECRET',
      );
      expect(refused({ CAPTCHA_SECRET: strongProd.SMS_CODE_SECRET })).toContain(
        'CAPTCHA_SECRET must differ from SMS_CODE_SECRET',
      );
    });

    it.each(['JWT_SECRET', 'SMS_CODE_SECRET', 'CAPTCHA_SECRET', 'METRICS_TOKEN'])(
      'refuses a long but low-entropy %s (Shannon under 3.5 bits per character)',
      (name) => {
        const weak = 'abababababababababababababababababab12';
        expect(bitsPerChar(weak)).toBeLessThan(3.5);
        expect(refused({ [name]: weak })).toContain(`${name} has too little entropy`);
      },
    );

    it('accepts secrets from openssl rand -base64 32 and -hex 32', () => {
      expect(bitsPerChar(strongProd.JWT_SECRET)).toBeGreaterThan(4.5);
      expect(refused({ JWT_SECRET: '3f9c1a7e5b2d8f40c6a19e37b5d2f8c04a6e1b9d7c3f5a2e8b0d4c6f1a9e3b7d' })).toBe('');
    });

    it.each([
      ['all-zero', Buffer.alloc(32, 0)],
      ['repeated-byte', Buffer.alloc(32, 0xab)],
      ['two-byte pattern', Buffer.from('ab'.repeat(16))],
    ])('refuses an %s encryption key', (_, key) => {
      expect(refused({ ENCRYPTION_KEYS: `3:${key.toString('base64')}` })).toContain('ENCRYPTION_KEYS key version 3');
    });

    it('refuses plain-http links sent to users', () => {
      expect(refused({ ACTIVATION_URL: 'http://auth.example.com/active.html' })).toContain('ACTIVATION_URL');
      const weibo = { WEIBO_CLIENT_ID: '123', WEIBO_CLIENT_SECRET: 'x' };
      expect(refused({ ...weibo, WEIBO_REDIRECT_URI: 'http://auth.example.com/cb' })).toContain('WEIBO_REDIRECT_URI');
      expect(refused({ ...weibo, WEIBO_REDIRECT_URI: 'https://auth.example.com/cb' })).toBe('');
    });

    it('refuses an audit retention under 180 days', () => {
      expect(refused({ AUDIT_RETENTION_DAYS: '30' })).toContain('AUDIT_RETENTION_DAYS');
      expect(loadConfig({ AUDIT_RETENTION_DAYS: '30' }).operations.purge.auditRetentionDays).toBe(30);
    });

    it('allows all of it outside production', () => {
      const config = loadConfig({ JWT_SECRET: 'same', SMS_CODE_SECRET: 'same', ACTIVATION_URL: 'http://x/a' });
      expect(config.jwt.secret).toBe('same');
    });
  });

  it('has the operations defaults', () => {
    expect(loadConfig({}).operations).toEqual({
      metricsToken: '',
      workerMetricsPort: 9464,
      adminMaxFailures: 10,
      adminFailureWindowSeconds: 900,
      purge: { everySeconds: 3600, batchSize: 1000, unboundIdentityTtlSeconds: 86400, auditRetentionDays: 180 },
    });
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
