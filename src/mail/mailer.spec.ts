import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { startSmtpFake, type RunningSmtpFake } from '../../test/fakes/smtp.fake.js';
import type { AppConfig } from '../config/config.js';
import { MailDeliveryError } from './mail.errors.js';
import { Mailer, maskEmail } from './mailer.js';

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const message = { to: 'xm@example.com', subject: '激活 / Activate', text: 'text', html: '<p>html</p>' };

function mailerFor(overrides: Partial<AppConfig['mail']>, env: AppConfig['env'] = 'test'): Mailer {
  const mail = { driver: 'smtp', smtpUrl: '', from: 'Auth <no-reply@auth.example>', ...overrides };
  return new Mailer({ env, mail } as AppConfig);
}

async function failure(promise: Promise<unknown>): Promise<MailDeliveryError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof MailDeliveryError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('Mailer over SMTP (the fake sink)', () => {
  let sink: RunningSmtpFake;
  let mailer: Mailer;

  beforeAll(async () => {
    sink = await startSmtpFake();
    mailer = mailerFor({ smtpUrl: sink.smtpUrl });
  });
  afterAll(async () => {
    mailer.onModuleDestroy();
    await sink.close();
  });
  beforeEach(() => post(`${sink.url}/_fake/reset`, {}));

  it('delivers a mail from MAIL_FROM', async () => {
    await mailer.send(message, '<job-1@auth.example>');
    const { mails } = (await (await fetch(`${sink.url}/_fake/mails?to=xm@example.com`)).json()) as { mails: any[] };
    const expected = {
      subject: message.subject,
      text: 'text',
      html: '<p>html</p>',
      from: '"Auth" <no-reply@auth.example>',
    };
    expect(mails).toEqual([expect.objectContaining(expected)]);
  });

  it('reports a 4xx reply as transient', async () => {
    await post(`${sink.url}/_fake/faults`, { mode: 'tempfail', times: 1 });
    expect(await failure(mailer.send(message))).toMatchObject({ transient: true, reason: 'smtp_451' });
  });

  it('reports a server that is down as transient, and delivers once it is back', async () => {
    await post(`${sink.url}/_fake/smtp`, { up: false });
    const err = await failure(mailer.send(message));
    expect(err.transient).toBe(true);
    expect(err.reason).toMatch(/^smtp_(econnrefused|econnection|esocket)$/);
    await post(`${sink.url}/_fake/smtp`, { up: true });
    await mailer.send(message);
  });
});

describe('Mailer with MAIL_DRIVER=log', () => {
  afterEach(() => jest.restoreAllMocks());

  it('prints the mail (with a masked address) instead of sending it', async () => {
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    await mailerFor({ driver: 'log' }).send({ ...message, text: 'open https://x/?code=abc' });
    expect(String(log.mock.calls[0][0])).toContain('xm***@example.com');
    expect(String(log.mock.calls[0][0])).toContain('code=abc');
  });

  it('never prints the link in production', async () => {
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    await mailerFor({ driver: 'log' }, 'production').send({ ...message, text: 'open https://x/?code=abc' });
    expect(log).not.toHaveBeenCalled();
    expect(String(warn.mock.calls[0][0])).not.toContain('code=abc');
  });
});

describe('maskEmail', () => {
  it('keeps two letters and the domain', () => {
    expect(maskEmail('xiaoming@example.com')).toBe('xi***@example.com');
    expect(maskEmail('x@example.com')).toBe('x***@example.com');
  });
});
