/**
 * Settings against abuse (docs/abuse.md): captcha, trusted proxies, SMS network and site-wide budgets, and the
 * password-hashing queue with the thread pool sized around it. Built by `loadConfig` like every other block.
 */
import { isIP } from 'node:net';
import { availableCpus } from './cpu.js';
import type { Reader } from './env-reader.js';

/** `TRUST_PROXY`: trust that many hops of X-Forwarded-For, or only peers inside these CIDRs. */
export type TrustProxy = { hops: number } | { cidrs: string[] };

export interface CaptchaSettings {
  mode: 'off' | 'adaptive' | 'always';
  secret: string;
  /** PBKDF2 iterations per attempt (the ALTCHA `cost`); the work is this times the counter (docs/captcha.md). */
  cost: number;
  afterPerIp: number;
  afterPerPhone: number;
}

export interface AbuseSettings {
  captcha: CaptchaSettings;
  trustedProxies: TrustProxy;
  /** SMS code requests per hour per IPv4 /24 or IPv6 /48, and for the whole site. */
  smsNetHourlyCap: number;
  smsGlobalHourlyCap: number;
  /** Wrong SMS codes per phone, across codes, before every verification for it is locked for the window. */
  smsVerify: { maxFailures: number; windowSeconds: number };
  /** `POST /v1/users/wechat/login` per IP bucket per hour, counted before WeChat is asked. */
  wechatLoginIpHourlyCap: number;
  hashing: {
    /** argon2 hashes computed at once; the rest wait in a queue of at most `maxQueue`. */
    concurrency: number;
    maxQueue: number;
    /** libuv's pool: the hashes plus threads kept free for DNS, files and other crypto. */
    threadPoolSize: number;
  };
}

/** Threads of libuv's pool never given to argon2, so DNS look-ups and file reads never wait behind hashes. */
export const RESERVED_THREADS = 4;

/** Aliases understood by proxy-addr (Fastify's `trustProxy`), expanded so both sides agree. */
const ALIASES: Record<string, string[]> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

export function abuseSettings(r: Reader, prod: boolean): AbuseSettings {
  const concurrency = r.int('ARGON2_CONCURRENCY', Math.max(1, availableCpus() - 1), 1, 64);
  return {
    captcha: {
      mode: r.oneOf('CAPTCHA_MODE', ['off', 'adaptive', 'always'] as const, 'adaptive'),
      // Checked in production with the other secrets (production-rules.ts).
      secret: r.str('CAPTCHA_SECRET', prod ? '' : 'dev-captcha-secret-not-for-production-000'),
      cost: r.int('CAPTCHA_COST', 1000, 1, 1_000_000),
      afterPerIp: r.int('CAPTCHA_AFTER_PER_IP', 3, 0, 1_000_000),
      afterPerPhone: r.int('CAPTCHA_AFTER_PER_PHONE', 2, 0, 1_000_000),
    },
    trustedProxies: trustProxy(r, prod),
    smsNetHourlyCap: r.int('SMS_NET_HOURLY_CAP', 100, 1, 10_000_000),
    smsGlobalHourlyCap: r.int('SMS_GLOBAL_HOURLY_CAP', 10_000, 1, 100_000_000),
    smsVerify: {
      maxFailures: r.int('SMS_VERIFY_MAX_FAILURES', 20, 1, 10_000),
      windowSeconds: r.int('SMS_VERIFY_WINDOW', 86_400, 60, 30 * 86_400),
    },
    wechatLoginIpHourlyCap: r.int('WECHAT_LOGIN_IP_HOURLY_CAP', 200, 1, 10_000_000),
    hashing: {
      concurrency,
      maxQueue: r.int('ARGON2_MAX_QUEUE', 64, 0, 100_000),
      threadPoolSize: r.int('UV_THREADPOOL_SIZE', concurrency + RESERVED_THREADS, concurrency + 1, 1024),
    },
  };
}

/** A hop count (`0`: no proxy), or comma-separated addresses/CIDRs (v4 or v6) and proxy-addr's aliases. */
function trustProxy(r: Reader, prod: boolean): TrustProxy {
  const raw = r.str('TRUST_PROXY', '');
  if (!raw) {
    if (prod) r.fail('TRUST_PROXY', 'must be set in production: 0 (no proxy), a hop count, or the proxies’ CIDRs');
    return { hops: 0 };
  }
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 10) r.fail('TRUST_PROXY', `must be a hop count from 0 to 10 or a CIDR list (got "${raw}")`);
    return { hops: Math.min(hops, 10) };
  }
  const cidrs = r.list('TRUST_PROXY', []).flatMap((entry) => ALIASES[entry] ?? [entry]);
  const bad = cidrs.filter((cidr) => !isCidr(cidr));
  if (bad.length) r.fail('TRUST_PROXY', `must be a hop count or addresses/CIDRs (not "${bad.join('", "')}")`);
  return { cidrs: cidrs.filter(isCidr) };
}

function isCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
