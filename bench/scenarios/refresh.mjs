// POST /v1/tokens/refresh (rotation: one claim UPDATE and one INSERT in a transaction, then a re-check), for
// the capacity model. Refresh tokens are single use: a pool holds one per connection, each answer puts the
// rotated token back. Runs are a fixed number of requests so no answer is abandoned (and its token lost).
import { SECONDS, runs } from '../lib/load.mjs';
import { recordCost, reference } from '../lib/results.mjs';
import { post } from '../lib/stack.mjs';

export async function refresh({ api, apiProc, password, meter }) {
  const pool = [];
  for (let i = 0; i < 50; i += 10) {
    const signed = await Promise.all(
      Array.from({ length: 10 }, () => post(`${api}/v1/tokens`, { account: 'bench_user', password })),
    );
    pool.push(...signed.map((s) => s.data.refresh_token));
  }
  const { result, cost } = await meter.measure([apiProc.pid], () =>
    runs({
      url: `${api}/v1/tokens/refresh`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      amount: 1000 * SECONDS,
      requests: [
        {
          setupRequest: (req) => ({ ...req, body: JSON.stringify({ refresh_token: pool.pop() ?? 'x'.repeat(43) }) }),
          onResponse: (status, body) => {
            if (status === 200) pool.push(JSON.parse(body).data.refresh_token);
          },
        },
      ],
    }),
  );
  recordCost('POST /v1/tokens/refresh', cost);
  reference(
    'refresh',
    'POST /v1/tokens/refresh req/s',
    Math.round(result.rps),
    `p99 ${result.p99} ms; ${result.non2xx} non-2xx`,
  );
}
