import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { SecretBox } from '../common/secret-box.js';
import { loadConfig } from '../config/config.js';
import type { JobMetrics } from '../observability/job-metrics.js';
import { SmsJobs, type SmsJob } from './sms-jobs.js';
import { failed, sent, type SmsProvider, type SmsSendResult } from './sms-provider.js';
import type { SmsRequestStore } from './sms-request.store.js';
import { SmsProcessor } from './sms.processor.js';
import { SmsSender } from './sms.sender.js';

const config = loadConfig({}); // SMS_DRIVER=log: notices are on
const box = new SecretBox(config);
const smsJobs = new SmsJobs({} as Queue<SmsJob>, config, box);

function job(attemptsMade = 0, data?: SmsJob) {
  const value: SmsJob = data ?? {
    kind: 'code',
    requestId: 'r1',
    phone: '+8613800138000',
    sealedCode: box.seal('123456'),
    ttlMinutes: 3,
  };
  return {
    data: value,
    attemptsMade,
    opts: { attempts: 3 },
    update: jest.fn(async (d: SmsJob) => void Object.assign(value, d)),
    discard: jest.fn(async () => undefined),
  };
}

function setup(result: SmsSendResult, deduplicates = false) {
  const calls: string[] = [];
  const claims = new Set<string>();
  const provider: SmsProvider = {
    name: 'aliyun',
    deduplicates,
    sendCode: async (sms) => (calls.push(`code ${sms.code}`), result),
    sendNotice: async (sms) => (calls.push(`notice ${sms.notice}`), result),
  };
  const store = {
    markSent: jest.fn(async () => undefined),
    markFailed: jest.fn(async () => undefined),
    markUnknown: jest.fn(async () => undefined),
    claimAttempt: async (id: string) => !claims.has(id) && Boolean(claims.add(id)),
    releaseAttempt: async (id: string) => void claims.delete(id),
  };
  const metrics: string[] = [];
  const jobMetrics = { record: async (q: string, o: string, r = '') => void metrics.push(`${q}|${o}|${r}`) };
  const sender = new SmsSender(provider, config, smsJobs, store as unknown as SmsRequestStore);
  const processor = new SmsProcessor(
    {} as Queue<SmsJob>,
    config,
    sender,
    store as unknown as SmsRequestStore,
    jobMetrics as unknown as JobMetrics,
  );
  return { processor, calls, store, metrics };
}

const run = (processor: SmsProcessor, j: ReturnType<typeof job>) => processor.handle(j as unknown as Job<SmsJob>);

describe('SmsProcessor', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('opens the sealed code, sends it and marks the request sent', async () => {
    const { processor, calls, store, metrics } = setup(sent('biz-1'));
    await run(processor, job());
    expect(calls).toEqual(['code 123456']);
    expect(store.markSent).toHaveBeenCalledWith('r1');
    expect(metrics).toEqual(['sms|sent|']);
  });

  it('leaves a retry to Bull before the last attempt, and releases the attempt so the retry may send', async () => {
    const { processor, calls, store } = setup(failed('retry', 'aliyun_Throttling.User'));
    const j = job(0);
    await expect(run(processor, j)).rejects.toThrow('aliyun_Throttling.User');
    expect(j.discard).not.toHaveBeenCalled();
    await expect(run(processor, job(1, j.data))).rejects.toThrow();
    expect(calls).toHaveLength(2);
    expect(store.markFailed).not.toHaveBeenCalled();
  });

  it('gives up on a permanent failure: failed (cooldown lifted by the store), code scrubbed, job discarded', async () => {
    const { processor, store } = setup(failed('give_up', 'tencent_LimitExceeded.PhoneNumberDailyLimit'));
    const j = job();
    await expect(run(processor, j)).rejects.toThrow();
    expect(store.markFailed).toHaveBeenCalledWith(
      'r1',
      '+8613800138000',
      'tencent_LimitExceeded.PhoneNumberDailyLimit',
    );
    expect(j.data).toMatchObject({ sealedCode: '' });
    expect(j.discard).toHaveBeenCalled();
  });

  it('marks an unknown outcome unknown, never retries it, and keeps the cooldown', async () => {
    const { processor, calls, store, metrics } = setup(failed('unknown', 'network_timeout'));
    const j = job();
    await expect(run(processor, j)).rejects.toThrow('network_timeout');
    expect(store.markUnknown).toHaveBeenCalledWith('r1', 'network_timeout');
    expect(store.markFailed).not.toHaveBeenCalled();
    expect(j.discard).toHaveBeenCalled();
    expect(metrics).toEqual(['sms|unknown|network_timeout']);
    expect(calls).toHaveLength(1);
  });

  it('a rerun after an unsettled attempt (a worker died mid-call) is unknown without calling the provider', async () => {
    const { processor, calls, store } = setup(sent('x'));
    await store.claimAttempt('r1'); // the attempt that never settled
    await expect(run(processor, job())).rejects.toThrow('earlier_attempt_unsettled');
    expect(calls).toEqual([]);
    expect(store.markUnknown).toHaveBeenCalledWith('r1', 'earlier_attempt_unsettled');
  });

  it('retries a de-duplicating provider (Ronglian) without claiming attempts', async () => {
    const { processor, calls } = setup(failed('retry', 'network_timeout'), true);
    const j = job(0);
    await expect(run(processor, j)).rejects.toThrow();
    await expect(run(processor, job(1, j.data))).rejects.toThrow();
    expect(calls).toHaveLength(2);
  });

  it('sends notices without touching any request status, and counts them per notice', async () => {
    const { processor, calls, store, metrics } = setup(sent('n1'));
    const notice = job(0, { kind: 'notice', requestId: 'n1', phone: '+8613800138000', notice: 'password_reset' });
    await run(processor, notice);
    expect(calls).toEqual(['notice password_reset']);
    expect(store.markSent).not.toHaveBeenCalled();
    expect(metrics).toEqual(['sms_notice|sent|password_reset']);
  });
});
