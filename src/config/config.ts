/**
 * The one place that reads the environment. `loadConfig()` validates every variable once and returns a
 * frozen object shared by the API, the worker and the TypeORM CLI data source.
 */
import { abuseSettings, type AbuseSettings } from './abuse-settings.js';
import { parseEnv, type Reader } from './env-reader.js';
import { operationsSettings, type OperationsSettings } from './operations-settings.js';
import { checkKey, checkSecrets, PLACEHOLDER, requireHttps } from './production-rules.js';

export type RedisMode = 'standalone' | 'sentinel' | 'cluster';
export interface HostPort {
  host: string;
  port: number;
}
/** Where one Redis role (commands and cache, or queues) lives; see docs/scale-out.md. */
export interface RedisTopology {
  mode: RedisMode;
  /** standalone only */
  url: string;
  /** sentinel only */
  sentinels: HostPort[];
  sentinelName: string;
  /** cluster only: seed nodes */
  nodes: HostPort[];
  password?: string;
  tls: boolean;
}

export type NodeEnv = 'development' | 'production' | 'test';

export class AppConfig {
  env: NodeEnv;
  host: string;
  port: number;
  /** Unset means: start the embedded PostgreSQL (PGlite) under `dataDir`. */
  databaseUrl?: string;
  /** Set by the bootstrap when it started the embedded database, never from the environment. */
  databaseEmbedded?: boolean;
  dataDir: string;
  redisUrl: string;
  /** Spawn a private redis-server when nothing answers at `redisUrl` (development only). */
  redisSpawn: boolean;
  queuePrefix: string;
  bodyLimitBytes: number;
  /** Hops of X-Forwarded-For Fastify trusts; a CIDR list in TRUST_PROXY gives 0 here (see `trustedProxies`). */
  corsOrigins: string[];
  /** The built SPA (web/dist) served on the API's origin when that folder holds an index.html. */
  webDir: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Basic-auth credential for /admin/queues; the dashboard is off while the password is unset. */
  admin: { user: string; password: string };
  jwt: {
    secret: string;
    issuer: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    /** Absolute session lifetime: rotation never extends a session past it. */
    sessionMaxAgeSeconds: number;
    /** Lifetime of a step-up `reauth_token` (docs/security.md). */
    reauthTtlSeconds: number;
  };
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  // Abuse resistance (docs/abuse.md)
  captcha: AbuseSettings['captcha'];
  trustedProxies: AbuseSettings['trustedProxies'];
  smsNetHourlyCap: number;
  smsGlobalHourlyCap: number;
  smsVerify: AbuseSettings['smsVerify'];
  wechatLoginIpHourlyCap: number;
  hashing: AbuseSettings['hashing'];
  /** Metrics access, the dashboard's failure limit, the worker's endpoint, purges (docs/operations.md). */
  operations: OperationsSettings;
  sms: {
    driver: SmsDriver;
    /** Run the SMS consumer inside the API process (development convenience). */
    inlineWorker: boolean;
    codeSecret: string;
    codeTtlSeconds: number;
    cooldownSeconds: number;
    dailyCap: number;
    ipHourlyCap: number;
    maxAttempts: number;
    retryAttempts: number;
    retryDelayMs: number;
    workerConcurrency: number;
  };
  ronglian: RonglianConfig;
  aliyun: AliyunSmsConfig;
  tencent: TencentSmsConfig;
  login: { accountMaxFailures: number; ipMaxFailures: number; windowSeconds: number };
  weibo: {
    clientId: string;
    clientSecret: string;
    /** The SPA's callback page, registered in the Weibo console. */
    redirectUri: string;
    authorizeUrl: string;
    apiBase: string;
    timeoutMs: number;
    stateTtlSeconds: number;
    ticketTtlSeconds: number;
    /** States one client IP may ask for per 10 minutes (each is a Redis key for 10 minutes). */
    statesPerIp: number;
    /** Accept callbacks without `code_challenge`/`code_verifier` (old frontends; docs/providers/weibo.md). */
    legacyCallback: boolean;
  };
  wechat: { appId: string; secret: string; apiBase: string; timeoutMs: number };
  mail: {
    driver: 'smtp' | 'log';
    smtpUrl: string;
    from: string;
    /** The SPA page that receives `?code=` from the activation mail. */
    activationUrl: string;
    activationTtlSeconds: number;
    resendCooldownSeconds: number;
    retryAttempts: number;
    retryDelayMs: number;
  };
  /** AES-256-GCM keys by version for provider tokens at rest; `current` encrypts, all decrypt. */
  encryption: { current: number; keys: Record<number, Buffer> };
  /** Commands, limits and the cache (`url` is `redisUrl`). */
  redis: RedisTopology;
  /** Bull's queues: the main Redis unless QUEUE_REDIS_URL or QUEUE_REDIS_MODE says otherwise. */
  queueRedis: RedisTopology;
  db: {
    /** Read replicas for lag-tolerant reads only (session lists, security events). */
    replicaUrls: string[];
    poolMax: number;
    /** 0: no timeout. */
    statementTimeoutMs: number;
  };
  /** The API's public base URL: the `servers` entry of the OpenAPI document (docs/api.md). */
  publicUrl: string;
}

// ---- SMS providers (docs/providers/*.md) ----
export type SmsDriver = 'ronglian' | 'aliyun' | 'tencent' | 'log';

export interface RonglianConfig {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  appId: string;
  templateId: string;
  /** Empty: no SMS notices. */
  noticeTemplateId: string;
  timeoutMs: number;
}

export interface AliyunSmsConfig {
  /** Base URL with scheme; the signed `host` is its host[:port]. */
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  templateCode: string;
  noticeTemplateCode: string;
  timeoutMs: number;
}

export interface TencentSmsConfig {
  endpoint: string;
  secretId: string;
  secretKey: string;
  sdkAppId: string;
  signName: string;
  templateId: string;
  noticeTemplateId: string;
  region: string;
  timeoutMs: number;
}
// ---- end SMS providers ----

export function loadConfig(source: Record<string, string | undefined> = process.env): AppConfig {
  return parseEnv(source, (r) => build(r));
}

function build(r: Reader): AppConfig {
  const env = r.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const prod = env === 'production';
  // Checked in production with the other secrets below (production-rules.ts).
  const secret = (name: string, devDefault: string) => r.str(name, prod ? '' : devDefault);
  const providers = smsProviders(r, prod);
  const encryption = encryptionKeys(r, prod);
  const port = r.int('PORT', 3000, 0, 65535);
  const mailDriver = r.oneOf('MAIL_DRIVER', ['smtp', 'log'] as const, r.str('SMTP_URL', '') ? 'smtp' : 'log');
  if (prod && mailDriver === 'log')
    r.fail('MAIL_DRIVER', 'log is refused in production: set SMTP_URL (activation mails would be dropped)');
  const jwtSecret = secret('JWT_SECRET', 'dev-jwt-secret-not-for-production-0000000');
  const smsCodeSecret = secret('SMS_CODE_SECRET', 'dev-sms-code-secret-not-for-production-00');
  const abuse = abuseSettings(r, prod);
  checkSecrets(r, prod, {
    JWT_SECRET: jwtSecret,
    SMS_CODE_SECRET: smsCodeSecret,
    CAPTCHA_SECRET: abuse.captcha.secret,
  });
  const links = productionLinks(r, prod, port);

  return Object.freeze({
    ...scaleOut(r),
    env,
    host: r.str('HOST', '0.0.0.0'),
    port,
    databaseUrl: r.optionalUrl('DATABASE_URL'),
    dataDir: r.str('DATA_DIR', './data'),
    redisUrl: r.url('REDIS_URL', 'redis://127.0.0.1:6379'),
    redisSpawn: r.bool('REDIS_SPAWN', env === 'development'),
    queuePrefix: r.str('QUEUE_PREFIX', 'bull'),
    bodyLimitBytes: r.int('BODY_LIMIT_BYTES', 16 * 1024, 1024, 10 * 1024 * 1024),
    webDir: r.str('WEB_DIR', 'web/dist'),
    corsOrigins: r.list('CORS_ORIGINS', env === 'production' ? [] : ['http://localhost:5173', 'http://127.0.0.1:5173']),
    admin: { user: r.str('ADMIN_USER', 'admin'), password: adminPassword(r, prod) },
    logLevel: r.oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, env === 'test' ? 'warn' : 'info'),
    jwt: {
      secret: jwtSecret,
      issuer: r.str('JWT_ISSUER', 'nest-auth-cn'),
      accessTtlSeconds: r.int('JWT_ACCESS_TTL', 900, 30, 86400),
      refreshTtlSeconds: r.int('JWT_REFRESH_TTL', 30 * 86400, 60, 365 * 86400),
      sessionMaxAgeSeconds: r.int('SESSION_MAX_AGE', 90 * 86400, 60, 365 * 86400),
      reauthTtlSeconds: r.int('REAUTH_TTL', 300, 30, 3600),
    },
    // OWASP Password Storage Cheat Sheet: argon2id m=19 MiB, t=2, p=1 as the minimum.
    argon2: {
      memoryCost: r.int('ARGON2_MEMORY_KIB', 19456, 19456, 1 << 21),
      timeCost: r.int('ARGON2_TIME_COST', 2, 2, 20),
      parallelism: r.int('ARGON2_PARALLELISM', 1, 1, 16),
    },
    ...abuse,
    operations: operationsSettings(r, prod),
    sms: {
      driver: providers.driver,
      inlineWorker: r.bool('SMS_INLINE_WORKER', false),
      codeSecret: smsCodeSecret,
      codeTtlSeconds: r.int('SMS_CODE_TTL', 180, 30, 3600),
      cooldownSeconds: r.int('SMS_COOLDOWN', 60, 1, 3600),
      dailyCap: r.int('SMS_DAILY_CAP', 10, 1, 1000),
      ipHourlyCap: r.int('SMS_IP_HOURLY_CAP', 30, 1, 1_000_000),
      maxAttempts: r.int('SMS_MAX_ATTEMPTS', 5, 1, 20),
      retryAttempts: r.int('SMS_RETRY_ATTEMPTS', 5, 1, 20),
      retryDelayMs: r.int('SMS_RETRY_DELAY_MS', 2000, 10, 600000),
      workerConcurrency: r.int('SMS_WORKER_CONCURRENCY', 50, 1, 1000),
    },
    ronglian: providers.ronglian,
    aliyun: providers.aliyun,
    tencent: providers.tencent,
    login: {
      accountMaxFailures: r.int('LOGIN_ACCOUNT_MAX_FAILURES', 5, 1, 1000),
      ipMaxFailures: r.int('LOGIN_IP_MAX_FAILURES', 50, 1, 1_000_000),
      windowSeconds: r.int('LOGIN_WINDOW_SECONDS', 900, 1, 86400),
    },
    encryption,
    weibo: {
      clientId: r.str('WEIBO_CLIENT_ID', ''),
      clientSecret: r.str('WEIBO_CLIENT_SECRET', ''),
      redirectUri: links.weiboRedirectUri,
      authorizeUrl: r.url('WEIBO_AUTHORIZE_URL', 'https://api.weibo.com/oauth2/authorize'),
      apiBase: r.url('WEIBO_API_BASE', 'https://api.weibo.com'),
      timeoutMs: r.int('WEIBO_TIMEOUT_MS', 5000, 100, 60000),
      stateTtlSeconds: r.int('WEIBO_STATE_TTL', 600, 30, 3600),
      ticketTtlSeconds: r.int('WEIBO_BIND_TICKET_TTL', 600, 30, 3600),
      statesPerIp: r.int('WEIBO_STATES_PER_IP', 120, 1, 1_000_000),
      legacyCallback: r.bool('WEIBO_LEGACY_CALLBACK', false),
    },
    wechat: {
      appId: r.str('WECHAT_APPID', ''),
      secret: r.str('WECHAT_SECRET', ''),
      apiBase: r.url('WECHAT_API_BASE', 'https://api.weixin.qq.com'),
      timeoutMs: r.int('WECHAT_TIMEOUT_MS', 5000, 100, 60000),
    },
    mail: {
      driver: mailDriver,
      smtpUrl: r.str('SMTP_URL', ''),
      from: r.str('MAIL_FROM', 'nest-auth-cn <no-reply@localhost>'),
      activationUrl: links.activationUrl,
      activationTtlSeconds: r.int('ACTIVATION_TTL', 3 * 86400, 60, 30 * 86400),
      resendCooldownSeconds: r.int('ACTIVATION_RESEND_COOLDOWN', 60, 1, 86400),
      retryAttempts: r.int('MAIL_RETRY_ATTEMPTS', 5, 1, 20),
      retryDelayMs: r.int('MAIL_RETRY_DELAY_MS', 5000, 10, 600000),
    },
    publicUrl: r.url('PUBLIC_URL', `http://127.0.0.1:${port}`).replace(/\/+$/, ''),
  });
}

function secretOrFail(r: Reader, name: string, prod: boolean): string {
  const value = r.required(name);
  if (prod && PLACEHOLDER.test(value)) r.fail(name, 'is a placeholder; set the real secret in production');
  return value;
}

// ---- SMS providers: the chosen driver's credentials are required (and must not be placeholders in production) ----
function smsProviders(r: Reader, prod: boolean) {
  const ronglianSid = r.str('RONGLIAN_ACCOUNT_SID', '');
  const aliyunKeyId = r.str('ALIYUN_SMS_ACCESS_KEY_ID', '');
  const tencentSecretId = r.str('TENCENT_SMS_SECRET_ID', '');
  const fallback = ronglianSid ? 'ronglian' : aliyunKeyId ? 'aliyun' : tencentSecretId ? 'tencent' : 'log';
  const driver = r.oneOf('SMS_DRIVER', ['ronglian', 'aliyun', 'tencent', 'log'] as const, fallback);
  if (prod && driver === 'log') r.fail('SMS_DRIVER', 'log is refused in production: codes would only be printed');
  const need = (name: string, on: SmsDriver) => (driver === on ? r.required(name) : r.str(name, ''));
  const key = (name: string, on: SmsDriver) => (driver === on ? secretOrFail(r, name, prod) : r.str(name, ''));
  const timeout = (name: string) => r.int(name, 5000, 100, 60000);
  const ronglian: RonglianConfig = {
    baseUrl: r.url('RONGLIAN_BASE_URL', 'https://app.cloopen.com:8883'),
    accountSid: need('RONGLIAN_ACCOUNT_SID', 'ronglian'),
    authToken: key('RONGLIAN_AUTH_TOKEN', 'ronglian'),
    appId: need('RONGLIAN_APP_ID', 'ronglian'),
    templateId: r.str('RONGLIAN_TEMPLATE_ID', '1'),
    noticeTemplateId: r.str('RONGLIAN_NOTICE_TEMPLATE_ID', ''),
    timeoutMs: timeout('RONGLIAN_TIMEOUT_MS'),
  };
  const numeric = /^\d*$/;
  if (!ronglian.templateId.match(numeric)) r.fail('RONGLIAN_TEMPLATE_ID', 'must be numeric');
  if (!ronglian.noticeTemplateId.match(numeric)) r.fail('RONGLIAN_NOTICE_TEMPLATE_ID', 'must be numeric');
  const aliyun: AliyunSmsConfig = {
    endpoint: r.url('ALIYUN_SMS_ENDPOINT', 'https://dysmsapi.aliyuncs.com'),
    accessKeyId: need('ALIYUN_SMS_ACCESS_KEY_ID', 'aliyun'),
    accessKeySecret: key('ALIYUN_SMS_ACCESS_KEY_SECRET', 'aliyun'),
    signName: need('ALIYUN_SMS_SIGN_NAME', 'aliyun'),
    templateCode: need('ALIYUN_SMS_TEMPLATE_CODE', 'aliyun'),
    noticeTemplateCode: r.str('ALIYUN_SMS_NOTICE_TEMPLATE_CODE', ''),
    timeoutMs: timeout('ALIYUN_SMS_TIMEOUT_MS'),
  };
  const tencent: TencentSmsConfig = {
    endpoint: r.url('TENCENT_SMS_ENDPOINT', 'https://sms.tencentcloudapi.com'),
    secretId: need('TENCENT_SMS_SECRET_ID', 'tencent'),
    secretKey: key('TENCENT_SMS_SECRET_KEY', 'tencent'),
    sdkAppId: need('TENCENT_SMS_SDK_APP_ID', 'tencent'),
    signName: need('TENCENT_SMS_SIGN_NAME', 'tencent'),
    templateId: need('TENCENT_SMS_TEMPLATE_ID', 'tencent'),
    noticeTemplateId: r.str('TENCENT_SMS_NOTICE_TEMPLATE_ID', ''),
    region: r.str('TENCENT_SMS_REGION', 'ap-guangzhou'),
    timeoutMs: timeout('TENCENT_SMS_TIMEOUT_MS'),
  };
  return { driver, ronglian, aliyun, tencent };
}
// ---- end SMS providers ----

/** `ENCRYPTION_KEYS=1:<base64 32 bytes>,2:<base64 32 bytes>` and `ENCRYPTION_KEY_VERSION=2` (default: the highest). */
function encryptionKeys(r: Reader, prod: boolean): AppConfig['encryption'] {
  const devKey = `1:${Buffer.alloc(32, 7).toString('base64')}`;
  const entries = r.list('ENCRYPTION_KEYS', prod ? [] : [devKey]);
  if (prod && (!entries.length || entries.includes(devKey))) {
    r.fail('ENCRYPTION_KEYS', 'must be set in production (version:base64 of 32 random bytes, comma-separated)');
  }
  const keys: Record<number, Buffer> = {};
  for (const entry of entries) {
    const [version, b64] = entry.split(':');
    const key = Buffer.from(b64 ?? '', 'base64');
    if (!/^\d+$/.test(version) || key.length !== 32)
      r.fail('ENCRYPTION_KEYS', `entry "${version}:…" must be <version>:<base64 of 32 bytes>`);
    else {
      checkKey(r, prod, 'ENCRYPTION_KEYS', version, key);
      keys[Number(version)] = key;
    }
  }
  const versions = Object.keys(keys).map(Number);
  const current = r.int('ENCRYPTION_KEY_VERSION', versions.length ? Math.max(...versions) : 1, 1, 1_000_000);
  if (versions.length && !keys[current])
    r.fail('ENCRYPTION_KEY_VERSION', `names no key in ENCRYPTION_KEYS (${versions.join(', ')})`);
  return { current, keys };
}

/** Links users' browsers follow; https in production (Weibo's only once Weibo is configured). */
function productionLinks(r: Reader, prod: boolean, port: number) {
  const weiboRedirectUri = r.url('WEIBO_REDIRECT_URI', `http://127.0.0.1:${port}/callback.html`);
  const activationUrl = r.url('ACTIVATION_URL', `http://127.0.0.1:${port}/active.html`);
  if (r.str('WEIBO_CLIENT_ID', '')) requireHttps(r, prod, 'WEIBO_REDIRECT_URI', weiboRedirectUri);
  requireHttps(r, prod, 'ACTIVATION_URL', activationUrl);
  return { weiboRedirectUri, activationUrl };
}

function adminPassword(r: Reader, prod: boolean): string {
  const value = r.str('ADMIN_PASSWORD', '');
  if (prod && value && (PLACEHOLDER.test(value) || value.length < 12))
    r.fail('ADMIN_PASSWORD', 'must be at least 12 characters and not a placeholder');
  return value;
}

/** The Redis and PostgreSQL topology (docs/scale-out.md); standalone Redis and one PostgreSQL by default. */
function scaleOut(r: Reader): Pick<AppConfig, 'redis' | 'queueRedis' | 'db'> {
  const shared = { password: r.str('REDIS_PASSWORD', '') || undefined, tls: r.bool('REDIS_TLS', false) };
  const mode = r.oneOf('REDIS_MODE', ['standalone', 'sentinel', 'cluster'] as const, 'standalone');
  const sentinels = hostPorts(r, 'REDIS_SENTINELS', 26379, mode === 'sentinel');
  const sentinelName = r.str('REDIS_SENTINEL_NAME', 'mymaster');
  const redis: RedisTopology = {
    mode,
    url: r.str('REDIS_URL', 'redis://127.0.0.1:6379').replace(/\/+$/, ''), // validated as redisUrl
    sentinels,
    sentinelName,
    nodes: hostPorts(r, 'REDIS_NODES', 6379, mode === 'cluster'),
    ...shared,
  };
  const queueUrl = r.optionalUrl('QUEUE_REDIS_URL');
  const queueMode = r.oneOf('QUEUE_REDIS_MODE', ['standalone', 'sentinel'] as const, 'standalone');
  if (queueMode === 'sentinel' && !sentinels.length)
    r.fail('REDIS_SENTINELS', 'is required when QUEUE_REDIS_MODE=sentinel');
  const ownQueues = queueUrl !== undefined || r.str('QUEUE_REDIS_MODE', '') !== '';
  const queueRedis: RedisTopology = ownQueues
    ? {
        ...redis,
        mode: queueMode,
        url: queueUrl ?? redis.url,
        sentinelName: r.str('QUEUE_REDIS_SENTINEL_NAME', sentinelName),
        nodes: [],
      }
    : redis;
  const replicaUrls = r.list('DATABASE_REPLICA_URLS', []);
  for (const url of replicaUrls)
    if (!URL.canParse(url)) r.fail('DATABASE_REPLICA_URLS', `has an entry that is not a URL`);
  return {
    redis,
    queueRedis,
    db: {
      replicaUrls,
      poolMax: r.int('DB_POOL_MAX', 20, 1, 1000),
      statementTimeoutMs: r.int('DB_STATEMENT_TIMEOUT_MS', 0, 0, 3_600_000),
    },
  };
}

/** `host:port,host:port`; a missing port takes `defaultPort`. */
function hostPorts(r: Reader, name: string, defaultPort: number, required: boolean): HostPort[] {
  const entries = r.list(name, []);
  if (required && !entries.length) r.fail(name, 'is required for this REDIS_MODE (host:port,host:port…)');
  return entries.flatMap((entry) => {
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(entry);
    const port = Number(match?.[2] ?? defaultPort);
    if (!match || port < 1 || port > 65535) {
      r.fail(name, `entry "${entry}" must be host:port`);
      return [];
    }
    return [{ host: match[1].replace(/^\[|\]$/g, ''), port }];
  });
}
