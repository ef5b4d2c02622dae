import { AppError } from '../common/errors/index.js';
import { WorkQueue } from './work-queue.js';

/** A job that finishes when the test says so, recording that it started. */
function gate(log: string[], name: string) {
  let open!: () => void;
  const done = new Promise<void>((resolve) => (open = resolve));
  return {
    job: async () => {
      log.push(name);
      await done;
      return name;
    },
    open: () => open(),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('WorkQueue', () => {
  it('runs at most `concurrency` jobs at once, the rest in arrival order', async () => {
    const queue = new WorkQueue(2, 10);
    const log: string[] = [];
    const jobs = ['a', 'b', 'c', 'd'].map((n) => gate(log, n));
    const results = jobs.map((j) => queue.run(j.job));
    await tick();
    expect(log).toEqual(['a', 'b']);
    expect(queue.size).toEqual({ running: 2, waiting: 2 });
    jobs[1].open();
    await tick();
    expect(log).toEqual(['a', 'b', 'c']);
    jobs.forEach((j) => j.open());
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
    expect(queue.size).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses work beyond the queue with server_busy and a Retry-After, without running it', async () => {
    const queue = new WorkQueue(1, 1);
    const log: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((n) => gate(log, n));
    const first = queue.run(a.job);
    const second = queue.run(b.job);
    const refused = await queue.run(c.job).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 503, reason: 'server_busy' });
    expect((refused as AppError).extra.retryAfter).toBeGreaterThanOrEqual(1);
    a.open();
    b.open();
    await Promise.all([first, second]);
    expect(log).toEqual(['a', 'b']);
  });

  it('skips a waiting job whose client went away and gives its place to the next', async () => {
    const queue = new WorkQueue(1, 5);
    const log: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((n) => gate(log, n));
    const gone = new AbortController();
    const first = queue.run(a.job);
    const skipped = queue.run(b.job, gone.signal).catch((err: unknown) => err);
    const third = queue.run(c.job);
    gone.abort();
    expect(await skipped).toMatchObject({ reason: 'client_closed_request' });
    expect(queue.size.waiting).toBe(1);
    a.open();
    c.open();
    await Promise.all([first, third]);
    expect(log).toEqual(['a', 'c']);
    expect(queue.size).toEqual({ running: 0, waiting: 0 });
  });

  it('does not start work for a client that is already gone', async () => {
    const queue = new WorkQueue(1, 5);
    let ran = false;
    const work = async () => (ran = true);
    await expect(queue.run(work, AbortSignal.abort())).rejects.toMatchObject({ reason: 'client_closed_request' });
    expect(ran).toBe(false);
  });

  it('frees the slot when a job fails', async () => {
    const queue = new WorkQueue(1, 0);
    await expect(queue.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(queue.run(async () => 'ok')).resolves.toBe('ok');
  });
});
