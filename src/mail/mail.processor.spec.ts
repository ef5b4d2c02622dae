import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import type { AppConfig } from '../config/config.js';
import type { MailJob } from './mail-job.js';
import { MailDeliveryError } from './mail.errors.js';
import { MailProcessor } from './mail.processor.js';
import type { MailMessage } from './mail.templates.js';
import type { Mailer } from './mailer.js';

const config = {
  mail: {
    from: 'Auth <no-reply@auth.example>',
    activationUrl: 'https://spa.example/active.html',
    activationTtlSeconds: 259200,
  },
} as AppConfig;

function fakeJob(attemptsMade: number) {
  const data: MailJob = { template: 'activation', to: 'xm@example.com', username: 'xiaoming', code: 'secret-code' };
  return {
    id: 'job-1',
    data,
    attemptsMade,
    opts: { attempts: 5 },
    update: jest.fn(async (_: MailJob) => undefined),
    discard: jest.fn(async () => undefined),
  };
}

function processorWith(send: (m: MailMessage, id?: string) => Promise<void>) {
  return new MailProcessor(
    {} as Queue<MailJob>,
    config,
    { send } as unknown as Mailer,
    { record: async () => undefined } as never,
  );
}

describe('MailProcessor', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('sends the rendered activation mail with a Message-ID stable across attempts', async () => {
    const send = jest.fn(async (_m: MailMessage, _id?: string) => undefined);
    await processorWith(send).handle(fakeJob(0) as unknown as Job<MailJob>);
    expect(send.mock.calls[0][0].text).toContain('https://spa.example/active.html?code=secret-code');
    expect(send.mock.calls[0][1]).toBe('<job-1@auth.example>');
  });

  it('lets a transient failure be retried', async () => {
    const job = fakeJob(1);
    const processor = processorWith(async () => Promise.reject(new MailDeliveryError(true, 'smtp_451')));
    await expect(processor.handle(job as unknown as Job<MailJob>)).rejects.toThrow('smtp_451');
    expect(job.discard).not.toHaveBeenCalled();
  });

  it('gives up on a permanent failure at once, scrubbing the code from the failed job', async () => {
    const job = fakeJob(0);
    const processor = processorWith(async () => Promise.reject(new MailDeliveryError(false, 'smtp_550')));
    await expect(processor.handle(job as unknown as Job<MailJob>)).rejects.toThrow('smtp_550');
    expect(job.discard).toHaveBeenCalled();
    expect(job.update).toHaveBeenCalledWith(expect.objectContaining({ code: '' }));
  });

  it('gives up on a transient failure at the last attempt', async () => {
    const job = fakeJob(4);
    const processor = processorWith(async () => Promise.reject(new MailDeliveryError(true, 'smtp_econnrefused')));
    await expect(processor.handle(job as unknown as Job<MailJob>)).rejects.toThrow();
    expect(job.discard).toHaveBeenCalled();
  });
});
