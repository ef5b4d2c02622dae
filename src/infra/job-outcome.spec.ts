import { jest } from '@jest/globals';
import type { Job } from 'bull';
import { settleFailedAttempt } from './job-outcome.js';

function job(attemptsMade: number) {
  return {
    data: { to: 'x', code: 'secret' },
    attemptsMade,
    opts: { attempts: 3 },
    update: jest.fn(async (_: unknown) => undefined),
    discard: jest.fn(async () => undefined),
  };
}
type Data = { to: string; code: string };
const settle = (j: ReturnType<typeof job>, retry: boolean) =>
  settleFailedAttempt(j as unknown as Job<Data>, retry, { code: '' });

describe('settleFailedAttempt', () => {
  it('leaves a retryable failure to Bull before the last attempt', async () => {
    const j = job(1);
    expect(await settle(j, true)).toBe('retried');
    expect(j.discard).not.toHaveBeenCalled();
  });

  it('retires the job on the last attempt and on a permanent failure, scrubbing its secret', async () => {
    for (const [j, retry] of [
      [job(2), true],
      [job(0), false],
    ] as const) {
      expect(await settle(j, retry)).toBe('failed');
      expect(j.update).toHaveBeenCalledWith({ to: 'x', code: '' });
      expect(j.discard).toHaveBeenCalled();
    }
  });
});
