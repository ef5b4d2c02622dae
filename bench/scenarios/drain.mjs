// The worker draining queued SMS code jobs into the fake Ronglian: jobs/s from the first delivery to the last,
// and that the fake received each request id exactly once. Jobs are built and sealed by the service's SmsJobs.
import { stopProcess } from '../../dist/test/support/stack.js';
import { log, sleep } from '../lib/load.mjs';
import { record, recordCost, reference } from '../lib/results.mjs';
import { SERVER_CPU, json, startServer } from '../lib/stack.mjs';

const TOTAL = Number(process.env.BENCH_DRAIN_JOBS ?? 10000);

export async function drain({ env, fakes, queue, jobs, meter, children }) {
  await queue.obliterate({ force: true });
  await fetch(`${fakes.ronglian}/_fake/reset`, { method: 'POST' });
  for (let i = 0; i < TOTAL; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, TOTAL - i) }, (_, j) => {
        const n = i + j;
        const requestId = `bench${String(n).padStart(27, '0')}`;
        return jobs.enqueueCode({
          requestId,
          phone: `136${String(n).padStart(8, '0')}`,
          code: '123456',
          ttlMinutes: 3,
        });
      }),
    );
  }
  const concurrency = process.env.BENCH_WORKER_CONCURRENCY ?? '50';
  // The worker runs as `npm run start:worker` and docker-compose.yml run it: V8's default heap settings (the
  // API's --max-semi-space-size is for the API's RSS target; BENCH_WORKER_NODE_OPTIONS tries others).
  const NODE_OPTIONS = process.env.BENCH_WORKER_NODE_OPTIONS ?? '';
  const workerEnv = { ...env, NODE_OPTIONS, SMS_WORKER_CONCURRENCY: concurrency };
  const worker = startServer('dist/bundle/worker.js', workerEnv, 'worker', SERVER_CPU);
  children.push(worker);
  const accepted = async () => (await json(`${fakes.ronglian}/_fake/stats`)).accepted;
  let atStart = 0;
  const deadline = Date.now() + 120000;
  while (!atStart && Date.now() < deadline) {
    atStart = await accepted();
    if (!atStart) await sleep(10);
  }
  const t0 = performance.now();
  let seconds = 0;
  let done = atStart;
  const { cost } = await meter.measure(
    [worker.pid],
    async () => {
      while (done < TOTAL && Date.now() < deadline) {
        await sleep(20);
        done = await accepted();
      }
      seconds = (performance.now() - t0) / 1000;
      return { requests: done - atStart, providerCalls: done - atStart };
    },
    { settleBefore: false },
  );
  recordCost('SMS job (worker)', cost);
  await sleep(500); // a job sent twice would show up here, not before
  const { messages } = await json(`${fakes.ronglian}/_fake/messages`);
  const unique = new Set(messages.map((m) => m.reqId)).size;
  const rate = (done - atStart) / seconds;
  log(`drain: ${done} of ${TOTAL} delivered`);
  reference('drain', 'worker concurrency (SMS_WORKER_CONCURRENCY)', concurrency);
  record('drain', 'worker jobs/s into the fake Ronglian', Math.round(rate), '≥ 2000', rate >= 2000);
  record(
    'drain',
    'lost / sent twice',
    `${TOTAL - unique} / ${messages.length - unique}`,
    '0 / 0',
    unique === TOTAL && messages.length === TOTAL,
  );
  await stopProcess(worker);
}
