// POST /v1/users/sms/code, a new phone per request, no worker running: every 2xx must leave exactly one job.
// A fixed number of requests per run (not a duration), so that every answer is counted.
import { SECONDS, runs } from '../lib/load.mjs';
import { record, recordCost } from '../lib/results.mjs';

let phones = 0;

/** Returns the req/s, for the cluster comparison. */
export async function sms({ api, apiProc, queue, meFloorRps, meter, label = 'sms', checkTargets = true }) {
  await queue.empty();
  const before = await jobCount(queue);
  const { result, cost } = await meter.measure([apiProc.pid], () =>
    runs({
      amount: 3500 * SECONDS,
      url: `${api}/v1/users/sms/code`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      requests: [
        {
          setupRequest: (req) => ({
            ...req,
            body: JSON.stringify({ phone: `137${String(phones++).padStart(8, '0')}` }),
          }),
        },
      ],
    }),
  );
  recordCost(`POST /v1/users/sms/code${label === 'sms' ? '' : ` (${label})`}`, cost);
  const jobs = (await jobCount(queue)) - before;
  const answered = result.ok + result.warmOk;
  if (checkTargets) {
    record(
      label,
      'POST /v1/users/sms/code req/s',
      Math.round(result.rps),
      `≥ 3000 and ≥ 0.5 × /me floor (${Math.round(0.5 * meFloorRps)})`,
      result.rps >= 3000 && result.rps >= 0.5 * meFloorRps && result.non2xx === 0,
      `ratio to /me floor ${(result.rps / meFloorRps).toFixed(2)}; ${result.non2xx} non-2xx`,
    );
    record(label, 'POST /v1/users/sms/code p99 (ms)', result.p99, '≤ 40', result.p99 <= 40);
  }
  record(label, '2xx answers vs queued jobs', `${answered} / ${jobs}`, 'equal', answered === jobs);
  return result;
}

function jobCount(queue) {
  return queue.getJobCountByTypes(['waiting', 'active', 'delayed', 'completed', 'failed']);
}
