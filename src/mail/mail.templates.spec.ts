import type { AppConfig } from '../config/config.js';
import { activationLink, activationMail, composeMail } from './mail.templates.js';

const CODE = 'A'.repeat(20) + '-_' + 'b'.repeat(21);

describe('activationLink', () => {
  it('appends ?code= to ACTIVATION_URL', () => {
    expect(activationLink('https://spa.example.com/active.html', CODE)).toBe(
      `https://spa.example.com/active.html?code=${CODE}`,
    );
  });

  it('keeps a query the configured URL already has', () => {
    expect(activationLink('https://spa.example.com/a?x=1', CODE)).toBe(`https://spa.example.com/a?x=1&code=${CODE}`);
  });
});

describe('activation mail', () => {
  const link = `https://spa.example.com/active.html?code=${CODE}`;
  const mail = activationMail({ to: 'xm@example.com', username: 'xiaoming', link, ttlSeconds: 3 * 86400 });

  it('has a bilingual subject and is addressed to the user', () => {
    expect(mail.to).toBe('xm@example.com');
    expect(mail.subject).toMatch(/激活/);
    expect(mail.subject).toMatch(/Activate your email/);
  });

  it('has a Chinese plain-text body with the link, the validity and an English line', () => {
    expect(mail.text).toContain('xiaoming，您好');
    expect(mail.text).toContain('请在 3 天内');
    expect(mail.text).toContain(`\n${link}\n`);
    expect(mail.text).toMatch(/^Hello xiaoming, open the link above within 3 days to activate your email address\./m);
  });

  it('has an HTML body linking to the same URL, with the English line', () => {
    expect(mail.html).toContain(`<a href="${link}"`);
    expect(mail.html).toContain('激活邮箱');
    expect(mail.html).toContain('within 3 days');
    expect(mail.html).toMatch(/<html lang="zh-CN">/);
  });

  it('escapes what it puts into HTML', () => {
    const html = activationMail({
      to: 'a@b.c',
      username: '<b>x</b>',
      link: 'https://s.example/?a=1&code=x',
      ttlSeconds: 86400,
    }).html;
    expect(html).not.toContain('<b>x</b>');
    expect(html).toContain('href="https://s.example/?a=1&#38;code=x"');
  });

  it('states a validity under a day in hours', () => {
    const short = activationMail({ to: 'a@b.c', username: 'u', link, ttlSeconds: 7200 });
    expect(short.text).toContain('2 小时');
    expect(short.text).toContain('within 2 hours');
  });

  it('is composed from a queued job and the mail configuration', () => {
    const config = {
      activationUrl: 'http://127.0.0.1:5173/active.html',
      activationTtlSeconds: 259200,
    } as AppConfig['mail'];
    const composed = composeMail(
      { template: 'activation', to: 'xm@example.com', username: 'xiaoming', code: CODE },
      config,
    );
    expect(composed.text).toContain(`http://127.0.0.1:5173/active.html?code=${CODE}`);
  });
});
