import type { AppConfig } from '../config/config.js';
import type { MailJob } from './mail-job.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** `ACTIVATION_URL?code=<code>`, keeping any query the configured URL already has. */
export function activationLink(activationUrl: string, code: string): string {
  const url = new URL(activationUrl);
  url.searchParams.set('code', code);
  return url.toString();
}

function validity(ttlSeconds: number): { zh: string; en: string } {
  if (ttlSeconds % 86400 === 0) {
    const days = ttlSeconds / 86400;
    return { zh: `${days} 天`, en: `${days} day${days === 1 ? '' : 's'}` };
  }
  const hours = Math.ceil(ttlSeconds / 3600);
  return { zh: `${hours} 小时`, en: `${hours} hour${hours === 1 ? '' : 's'}` };
}

const BUTTON =
  'display:inline-block;padding:8px 16px;background:#1677ff;color:#fff;text-decoration:none;border-radius:4px';

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function activationMail(p: { to: string; username: string; link: string; ttlSeconds: number }): MailMessage {
  const v = validity(p.ttlSeconds);
  const english =
    `Hello ${p.username}, open the link above within ${v.en} to activate your email address. ` +
    'If you did not sign up, ignore this mail.';
  const text = [
    `${p.username}，您好：`,
    '',
    `感谢您的注册。请在 ${v.zh}内打开下面的链接，激活您的邮箱：`,
    p.link,
    '',
    '如果这不是您本人的操作，请忽略这封邮件。',
    '',
    english,
  ].join('\n');
  const link = escapeHtml(p.link);
  const html = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>激活邮箱 / Activate your email</title></head>
<body style="font-family:sans-serif;line-height:1.6">
<p>${escapeHtml(p.username)}，您好：</p>
<p>感谢您的注册。请在 ${v.zh}内点击下面的按钮，激活您的邮箱：</p>
<p><a href="${link}" style="${BUTTON}">激活邮箱</a></p>
<p>如果按钮无法点击，请复制此链接到浏览器中打开：<br><a href="${link}">${link}</a></p>
<p>如果这不是您本人的操作，请忽略这封邮件。</p>
<p lang="en" style="color:#666">${escapeHtml(english)}</p>
</body></html>`;
  return { to: p.to, subject: '激活您的邮箱 / Activate your email', text, html };
}

/** To the old address after an email change: the owner learns of a change they did not make. */
export function emailChangedMail(p: { to: string; username: string; newEmail: string }): MailMessage {
  const english =
    `Hello ${p.username}, the email address of your account was changed to ${p.newEmail}. ` +
    'If you did not do this, sign in, reset your password and check your sessions at once.';
  const zh = [
    `${p.username}，您好：`,
    `您的账号邮箱已更改为 ${p.newEmail}。`,
    '如果这不是您本人的操作，请立即登录、重置密码，并检查登录设备。',
  ];
  const text = [...zh, '', english].join('\n');
  const html = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>邮箱已更改 / Email changed</title></head>
<body style="font-family:sans-serif;line-height:1.6">
${zh.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}
<p lang="en" style="color:#666">${escapeHtml(english)}</p>
</body></html>`;
  return { to: p.to, subject: '账号邮箱已更改 / Your email address was changed', text, html };
}

/** Renders a queued job into the message to send. */
export function composeMail(job: MailJob, mail: AppConfig['mail']): MailMessage {
  switch (job.template) {
    case 'activation': {
      const link = activationLink(mail.activationUrl, job.code);
      return activationMail({ to: job.to, username: job.username, link, ttlSeconds: mail.activationTtlSeconds });
    }
    case 'email_changed':
      return emailChangedMail(job);
  }
}
