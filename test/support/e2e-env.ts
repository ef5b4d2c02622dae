import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Each run gets its own database, Redis logical database and state file, so runs on one machine don't collide.
const run = process.pid;
export const E2E_DATABASE_NAME = `auth_e2e_${run}`;
export const E2E_STATE_FILE = join(tmpdir(), `nest-auth-e2e-${run}.json`);
export const E2E_API_LOG = join(tmpdir(), `nest-auth-e2e-${run}-api.log`);
export const E2E_REDIS_URL = `redis://127.0.0.1:6379/${1 + (run % 15)}`;

/** The service's configuration under test: short retry delays, small caps so limits can be reached. */
export const e2eAppEnv: Record<string, string> = {
  NODE_ENV: 'test',
  HOST: '127.0.0.1',
  REDIS_URL: E2E_REDIS_URL,
  QUEUE_PREFIX: `e2e${run}`,
  TRUST_PROXY: '1',
  LOG_LEVEL: 'warn',
  ADMIN_USER: 'ops',
  ADMIN_PASSWORD: 'e2e-admin-password',
  SMS_COOLDOWN: '2',
  SMS_RETRY_DELAY_MS: '100',
  SMS_RETRY_ATTEMPTS: '4',
  SMS_DAILY_CAP: '4',
  SMS_IP_HOURLY_CAP: '6',
  RONGLIAN_TIMEOUT_MS: '500',
  WEIBO_TIMEOUT_MS: '1000',
  WECHAT_TIMEOUT_MS: '1000',
  MAIL_RETRY_DELAY_MS: '200',
  ACTIVATION_RESEND_COOLDOWN: '1',
  LOGIN_ACCOUNT_MAX_FAILURES: '5',
  LOGIN_IP_MAX_FAILURES: '20',
  BODY_LIMIT_BYTES: '8192',
  // Off for the shared stack (several workers per run); test/e2e/hygiene starts a worker with its own port.
  WORKER_METRICS_PORT: '0',
  // Adaptive, with thresholds no other spec reaches; test/e2e/abuse.e2e-spec.ts starts its own APIs to reach them.
  CAPTCHA_MODE: 'adaptive',
  CAPTCHA_AFTER_PER_IP: '1000',
  CAPTCHA_AFTER_PER_PHONE: '1000',
  CAPTCHA_COST: '1',
};
