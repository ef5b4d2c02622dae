import { fail } from '../common/errors/index.js';

interface Waiter {
  start: () => void;
  cancel: () => void;
}

/**
 * Runs at most `concurrency` jobs at once and lets at most `maxQueued` wait, first come first served. Past that
 * a job is refused at once with `server_busy` and a Retry-After from recent job times, never an unbounded
 * backlog. A waiting job whose `signal` aborts (its client went away) leaves the queue without running.
 */
export class WorkQueue {
  private running = 0;
  private readonly waiting: Waiter[] = [];
  /** Moving average of recent job durations, for Retry-After. */
  private averageMs = 50;

  constructor(
    private readonly concurrency: number,
    private readonly maxQueued: number,
  ) {}

  get size(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw fail('client_closed_request');
    if (this.running < this.concurrency) this.running++;
    else await this.enqueue(signal); // a finishing job hands its slot over: `running` already counts this one
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.averageMs = 0.8 * this.averageMs + 0.2 * (performance.now() - started);
      this.release();
    }
  }

  private enqueue(signal: AbortSignal | undefined): Promise<void> {
    if (this.waiting.length >= this.maxQueued) throw fail('server_busy', { retryAfter: this.retryAfter() });
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(fail('client_closed_request'));
      };
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        cancel: onAbort,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next.start();
    else this.running--;
  }

  /** Seconds until the queue as it stands has drained, at least 1. */
  private retryAfter(): number {
    const rounds = Math.ceil(this.waiting.length / this.concurrency) + 1;
    return Math.max(1, Math.ceil((rounds * this.averageMs) / 1000));
  }
}
