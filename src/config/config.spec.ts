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
});
