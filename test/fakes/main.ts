import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ALIYUN_DEFAULTS, startAliyunFake } from './aliyun.fake.js';
import { bind, type RunningFake } from './http.js';
import { RONGLIAN_DEFAULTS, startRonglianFake } from './ronglian.fake.js';
import { startSmtpFake } from './smtp.fake.js';
import { TENCENT_DEFAULTS, startTencentFake } from './tencent.fake.js';
import { WECHAT_DEFAULTS, startWechatFake } from './wechat.fake.js';
import { WEIBO_DEFAULTS, startWeiboFake } from './weibo.fake.js';

export interface FakePorts {
  ronglian: number;
  aliyun: number;
  tencent: number;
  weibo: number;
  wechat: number;
  smtp: number;
  smtpHttp: number;
}

export const DEFAULT_PORTS: FakePorts = {
  ronglian: 4010,
  aliyun: 4011,
  tencent: 4012,
  weibo: 4020,
  wechat: 4030,
  smtp: 2525,
  smtpHttp: 4026,
};

export interface FakeUrls {
  ronglian: string;
  aliyun: string;
  tencent: string;
  weibo: string;
  wechat: string;
  smtp: string;
  smtpHttp: string;
}

export interface AllFakes {
  urls: FakeUrls;
  close(): Promise<void>;
}

export async function startAllFakes(ports: Partial<FakePorts> = {}): Promise<AllFakes> {
  const p = { ...DEFAULT_PORTS, ...ports };
  const results = await Promise.allSettled([
    startRonglianFake({ port: p.ronglian }),
    startWeiboFake({ port: p.weibo }),
    startWechatFake({ port: p.wechat }),
    startSmtpFake({ smtpPort: p.smtp, httpPort: p.smtpHttp }),
    startAliyunFake({ port: p.aliyun }),
    startTencentFake({ port: p.tencent }),
  ]);
  const running: RunningFake[] = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const close = async (): Promise<void> => {
    await Promise.all(running.map((f) => f.close()));
  };
  const [ronglian, weibo, wechat, smtp, aliyun, tencent] = results;
  if (
    ronglian.status === 'rejected' ||
    weibo.status === 'rejected' ||
    wechat.status === 'rejected' ||
    smtp.status === 'rejected' ||
    aliyun.status === 'rejected' ||
    tencent.status === 'rejected'
  ) {
    await close(); // one port was busy: do not leave the others listening
    throw results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
  }
  const urls = {
    ronglian: ronglian.value.url,
    aliyun: aliyun.value.url,
    tencent: tencent.value.url,
    weibo: weibo.value.url,
    wechat: wechat.value.url,
    smtp: smtp.value.smtpUrl,
    smtpHttp: smtp.value.url,
  };
  return { urls, close };
}

/** The SMS settings that point the service at one fake provider. */
export function smsFakeEnv(driver: 'ronglian' | 'aliyun' | 'tencent', urls: FakeUrls): Record<string, string> {
  const r = RONGLIAN_DEFAULTS;
  const a = ALIYUN_DEFAULTS;
  const t = TENCENT_DEFAULTS;
  const settings = {
    ronglian: {
      RONGLIAN_BASE_URL: urls.ronglian,
      RONGLIAN_ACCOUNT_SID: r.accountSid,
      RONGLIAN_AUTH_TOKEN: r.authToken,
      RONGLIAN_APP_ID: r.appId,
      RONGLIAN_TEMPLATE_ID: r.templateId,
      RONGLIAN_NOTICE_TEMPLATE_ID: r.noticeTemplateId,
    },
    aliyun: {
      ALIYUN_SMS_ENDPOINT: urls.aliyun,
      ALIYUN_SMS_ACCESS_KEY_ID: a.accessKeyId,
      ALIYUN_SMS_ACCESS_KEY_SECRET: a.accessKeySecret,
      ALIYUN_SMS_SIGN_NAME: a.signName,
      ALIYUN_SMS_TEMPLATE_CODE: a.templateCode,
      ALIYUN_SMS_NOTICE_TEMPLATE_CODE: a.noticeTemplateCode,
    },
    tencent: {
      TENCENT_SMS_ENDPOINT: urls.tencent,
      TENCENT_SMS_SECRET_ID: t.secretId,
      TENCENT_SMS_SECRET_KEY: t.secretKey,
      TENCENT_SMS_SDK_APP_ID: t.sdkAppId,
      TENCENT_SMS_SIGN_NAME: t.signName,
      TENCENT_SMS_TEMPLATE_ID: t.templateId,
      TENCENT_SMS_NOTICE_TEMPLATE_ID: t.noticeTemplateId,
      TENCENT_SMS_REGION: t.region,
    },
  };
  return { SMS_DRIVER: driver, ...settings[driver] };
}

const shellLine = (env: Record<string, string>) =>
  Object.entries(env)
    .map(([k, v]) => `${k}=${/^[\w:/.-]*$/.test(v) ? v : `'${v}'`}`)
    .join(' ');

export function envLines(urls: FakeUrls): string[] {
  return [
    shellLine(smsFakeEnv('ronglian', urls)),
    `# or SMS through the fake Alibaba Cloud: ${shellLine(smsFakeEnv('aliyun', urls))}`,
    `# or SMS through the fake Tencent Cloud: ${shellLine(smsFakeEnv('tencent', urls))}`,
    `WEIBO_AUTHORIZE_URL=${urls.weibo}/oauth2/authorize WEIBO_API_BASE=${urls.weibo} ` +
      `WEIBO_CLIENT_ID=${WEIBO_DEFAULTS.clientId} WEIBO_CLIENT_SECRET=${WEIBO_DEFAULTS.clientSecret}`,
    `WECHAT_API_BASE=${urls.wechat} WECHAT_APPID=${WECHAT_DEFAULTS.appid} WECHAT_SECRET=${WECHAT_DEFAULTS.secret}`,
    `SMTP_URL=${urls.smtp} MAIL_DRIVER=smtp`,
  ];
}

const FLAGS: Record<string, keyof FakePorts> = {
  'ronglian-port': 'ronglian',
  'aliyun-port': 'aliyun',
  'tencent-port': 'tencent',
  'weibo-port': 'weibo',
  'wechat-port': 'wechat',
  'smtp-port': 'smtp',
  'smtp-http-port': 'smtpHttp',
};

export function parseArgs(argv: string[]): { ports: Partial<FakePorts>; json: boolean } {
  const ports: Partial<FakePorts> = {};
  let json = false;
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const key = match ? FLAGS[match[1]] : undefined;
    if (arg === '--json') json = true;
    else if (match?.[1] === 'host' && match[2]) bind.host = match[2];
    else if (key && match?.[2] !== undefined && /^\d+$/.test(match[2])) ports[key] = Number(match[2]);
    else throw new Error(`unknown or malformed argument: ${arg}`);
  }
  return { ports, json };
}

function printHuman(urls: FakeUrls): void {
  console.log('Fake providers listening:');
  console.log(`  Ronglian SMS  ${urls.ronglian}   (sent SMS: ${urls.ronglian}/_fake/messages)`);
  console.log(`  Alibaba SMS   ${urls.aliyun}   (sent SMS: ${urls.aliyun}/_fake/messages)`);
  console.log(`  Tencent SMS   ${urls.tencent}   (sent SMS: ${urls.tencent}/_fake/messages)`);
  console.log(`  Weibo OAuth2  ${urls.weibo}   (login page: ${urls.weibo}/oauth2/authorize)`);
  console.log(`  WeChat        ${urls.wechat}   (mint a code: POST ${urls.wechat}/_fake/codes)`);
  console.log(`  SMTP          ${urls.smtp}   (mail: ${urls.smtpHttp}/_fake/mails)`);
  console.log('\nPoint the service at them with:\n');
  for (const line of envLines(urls)) console.log(line);
}

async function main(argv: string[]): Promise<void> {
  const { ports, json } = parseArgs(argv);
  const fakes = await startAllFakes(ports);
  if (json) console.log(JSON.stringify(fakes.urls));
  else printHuman(fakes.urls);
  let closing = false;
  const stop = (): void => {
    if (closing) process.exit(1); // second signal: give up waiting
    closing = true;
    void fakes.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  return script !== undefined && import.meta.url === pathToFileURL(realpathSync(script)).href;
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
