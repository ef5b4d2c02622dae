// Load generation (autocannon, in this process, pinned to the load core) and the medians the bench reports.
import autocannon from 'autocannon';

export const RUNS = Number(process.env.BENCH_RUNS ?? 3);
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
export const CONNECTIONS = 50;

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const log = (...a) => console.error('[bench]', ...a);

// autocannon notes a run's end at its next sample tick (1 s by default): a run of a fixed `amount` would be
// measured in whole seconds (10,500 requests in 3.1 s counted as 4 s). Ticks every 20 ms keep that error small.
const SAMPLE_MS = 20;

export function cannon(opts) {
  const base = { connections: CONNECTIONS, sampleInt: SAMPLE_MS };
  const settings = opts.amount ? { ...base, ...opts } : { ...base, duration: SECONDS, ...opts };
  return new Promise((resolve, reject) => {
    autocannon(settings, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

/** Completed requests over the run's wall time (autocannon's own average rounds the duration to seconds). */
export const rate = (r) => r.requests.total / ((new Date(r.finish) - new Date(r.start)) / 1000);

/**
 * A short unmeasured warm-up (the JIT warms up, as on any server that has been up a while), then RUNS
 * measured runs; medians of the rate and p99. `requests` counts every answer, warm-up included, for costs.
 */
export async function runs(opts) {
  const warm = await cannon(opts.amount ? { ...opts, amount: Math.min(opts.amount, 2000) } : { ...opts, duration: 1 });
  const all = [];
  for (let i = 0; i < RUNS; i++) {
    // Requests still in flight when a run stops are abandoned by the client but still served: for slow
    // routes (a login hashes for ~30 ms), let that backlog drain so it is not charged to the next run.
    if (opts.settleMs) await sleep(opts.settleMs);
    all.push(await cannon(opts));
  }
  const answered = (r) => r['2xx'] + r.non2xx;
  return {
    rps: median(all.map(rate)),
    p99: median(all.map((r) => r.latency.p99)),
    ok: all.reduce((n, r) => n + r['2xx'], 0),
    warmOk: warm['2xx'],
    requests: [warm, ...all].reduce((n, r) => n + answered(r), 0),
    non2xx: all.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
    warmNon2xx: warm.non2xx + warm.errors + warm.timeouts,
  };
}
