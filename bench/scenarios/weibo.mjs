// The Weibo callback for a bound user (code 200 with tokens) against its floor (bench/weibo-floor.mjs). Each
// request needs its own single-use state and code, minted beforehand so the runs only measure the callback.
// The fake Weibo runs on the load generator's core, not the server's.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { freePort, stopProcess, waitReady } from '../../dist/test/support/stack.js';
import { RUNS, runs } from '../lib/load.mjs';
import { record, recordCost, reference } from '../lib/results.mjs';
import { SERVER_CPU, json, post } from '../lib/stack.mjs';

const PER_RUN = Number(process.env.BENCH_WEIBO_PER_RUN ?? 1500);
const UID = '1000000001';

/** RFC 7636 S256: a verifier and its challenge. */
function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function inBatches(count, make) {
  const out = [];
  for (let i = 0; i < count; i += 100)
    out.push(...(await Promise.all(Array.from({ length: Math.min(100, count - i) }, make))));
  return out;
}

/** One callback path of the API: a state (with its PKCE challenge) from the API, a code from the fake. */
async function apiCallback(api, fakes, headers = {}) {
  const { verifier, challenge } = pkce();
  const answer = await json(`${api}/v1/users/weibo/authorization?code_challenge=${challenge}`, { headers });
  if (!answer.data) throw new Error(`weibo authorization: ${JSON.stringify(answer)}`);
  const url = new URL(answer.data.oauth_url);
  const { code } = await post(`${fakes.weibo}/_fake/codes`, {
    uid: UID,
    redirect_uri: url.searchParams.get('redirect_uri'),
  });
  return `/v1/users/weibo/users?code=${code}&state=${url.searchParams.get('state')}&code_verifier=${verifier}`;
}

const cursor = (paths) => {
  let i = 0;
  return [{ setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length] }) }];
};

export async function weibo({ api, apiProc, fakes, env, auth, reauth, databaseUrl, meter }) {
  // Link the Weibo uid to the bench user (a signed-in link needs the owner's fresh proof).
  const link = await fetch(`${api}${await apiCallback(api, fakes, { ...auth, 'x-reauth-token': reauth })}`, {
    headers: auth,
  });
  if (link.status !== 200) throw new Error(`weibo link: ${link.status} ${await link.text()}`);
  const count = PER_RUN * (RUNS + 1);

  const floorPort = await freePort();
  const floor = spawn(
    'taskset',
    [
      '-c',
      SERVER_CPU,
      process.execPath,
      'bench/weibo-floor.mjs',
      String(floorPort),
      fakes.weibo,
      env.WEIBO_CLIENT_ID,
      env.WEIBO_CLIENT_SECRET,
      env.WEIBO_REDIRECT_URI,
      databaseUrl,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let floorRps;
  try {
    await waitReady(`http://127.0.0.1:${floorPort}/health`, floor);
    const codes = await inBatches(count, async () => {
      const { code } = await post(`${fakes.weibo}/_fake/codes`, { uid: UID, redirect_uri: env.WEIBO_REDIRECT_URI });
      return `/cb?code=${code}`;
    });
    const result = await runs({ url: `http://127.0.0.1:${floorPort}`, amount: PER_RUN, requests: cursor(codes) });
    floorRps = result.rps;
    reference(
      'weibo floor',
      'bare node:http req/s (3 provider calls + 1 PG read)',
      Math.round(floorRps),
      `${result.non2xx} non-2xx`,
    );
  } finally {
    await stopProcess(floor);
  }

  const paths = await inBatches(count, () => apiCallback(api, fakes));
  const statsBefore = await json(`${fakes.weibo}/_fake/stats`);
  const { result, cost } = await meter.measure([apiProc.pid], async () => {
    const r = await runs({ url: api, amount: PER_RUN, requests: cursor(paths) });
    const stats = await json(`${fakes.weibo}/_fake/stats`);
    const calls = ['access_token', 'get_token_info', 'users_show'].reduce((n, k) => n + stats[k] - statsBefore[k], 0);
    return { ...r, providerCalls: calls };
  });
  recordCost('Weibo callback, bound user', cost);
  record(
    'weibo',
    'callback for a bound user req/s',
    Math.round(result.rps),
    `≥ 0.6 × floor (${Math.round(0.6 * floorRps)})`,
    result.rps >= 0.6 * floorRps,
    `ratio ${(result.rps / floorRps).toFixed(2)}; p99 ${result.p99} ms`,
  );
  record('weibo', 'non-2xx answers', result.non2xx + result.warmNon2xx, '0', result.non2xx + result.warmNon2xx === 0);
}
