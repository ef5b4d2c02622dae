/** Shared by the hygiene specs: an API and a worker of their own on a private queue prefix, and a purge run. */
import type { ChildProcess } from 'node:child_process';
import Bull from 'bull';
import { stack } from '../support/client.js';
import { freePort, startProcess, stopProcess, waitReady } from '../support/stack.js';

export const METRICS_TOKEN = 'e2e-metrics-token-Zq8Lm3Xv7Pw2Rt6Yk1';

export interface Own {
  api: string;
  worker: string;
  env: Record<string, string>;
  stop: () => Promise<void>;
}

/** An API and a worker on their own queue prefix (so only this worker runs these purges) and ports. */
export async function startOwn(extra: Record<string, string> = {}): Promise<Own> {
  const [apiPort, workerPort] = [await freePort(), await freePort()];
  const env = {
    ...stack.env,
    QUEUE_PREFIX: `${stack.env.QUEUE_PREFIX}hyg${apiPort}`,
    METRICS_TOKEN,
    WORKER_METRICS_PORT: String(workerPort),
    ...extra,
  };
  const procs: ChildProcess[] = [
    startProcess('dist/bundle/main.js', { ...env, PORT: String(apiPort) }, `api:hygiene`),
    startProcess('dist/bundle/worker.js', env, 'worker:hygiene'),
  ];
  const own = { api: `http://127.0.0.1:${apiPort}`, worker: `http://127.0.0.1:${workerPort}` };
  await waitReady(`${own.api}/health/ready`, procs[0]);
  await waitReady(`${own.worker}/health/live`, procs[1]);
  return { ...own, env, stop: async () => void (await Promise.all(procs.map((p) => stopProcess(p)))) };
}

/** Queues one purge on `own`'s prefix and waits for the worker's report. */
export async function runPurge(own: Own): Promise<{ report: Record<string, number>; ms: number }> {
  const queue = new Bull('maintenance', { redis: stack.redisUrl, prefix: `{${own.env.QUEUE_PREFIX}:maintenance}` });
  try {
    const started = Date.now();
    // Kept until read: finished() on a job already removed would wait for an event that has gone by.
    const job = await queue.add('purge', {});
    const report = (await job.finished()) as Record<string, number>;
    await job.remove();
    return { report, ms: Date.now() - started };
  } finally {
    await queue.close();
  }
}
