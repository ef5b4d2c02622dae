/**
 * A Sentinel failover under load (npm run test:e2e:sentinel): codes are being requested and the worker is
 * sending when the master process is killed. After the sentinels promote the replica the API answers again
 * within RECOVERY_TIMEOUT_MS, and every code request the API accepted reaches Ronglian exactly once.
 */
import { call, closeClients, fakeCall, newPhone, ronglian, stack, until } from '../../support/client.js';
import { sentinelMaster } from '../../support/topologies.js';
import { describeOn, topology } from './topology.js';

afterAll(closeClients);

/** From the promotion to the first accepted request (ioredis reconnects through the sentinels). */
const RECOVERY_TIMEOUT_MS = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Accepted {
  phone: string;
  requestId: string;
}

describeOn('sentinel')('Sentinel failover while codes are requested and sent', () => {
  it('answers again after the promotion, loses no accepted SMS and sends none twice', async () => {
    const group = topology('sentinel')!;
    const master = group.servers.find((s) => s.role === 'master')!;
    const sentinelPort = group.sentinels[0].port;
    expect(await sentinelMaster(sentinelPort)).toBe(master.port);
    await ronglian.reset();

    const accepted: Accepted[] = [];
    const refusals: number[] = [];
    let running = true;
    const load = (async () => {
      while (running) {
        const phone = newPhone();
        const answer = await call('POST', '/v1/users/sms/code', { phone }).catch(() => ({ status: 0, body: null }));
        if (answer.status === 200) accepted.push({ phone, requestId: answer.body.data.request_id });
        else refusals.push(answer.status);
        await sleep(10);
      }
    })();

    try {
      await until(async () => accepted.length >= 20, 'codes accepted before the failover', 20000);
      process.kill(master.pid, 'SIGKILL');
      await until(async () => (await sentinelMaster(sentinelPort)) !== master.port, 'the promotion', 30000);
      const before = accepted.length;
      await until(async () => accepted.length > before, 'a code accepted after the promotion', RECOVERY_TIMEOUT_MS);
      await until(async () => accepted.length >= before + 20, 'steady service after the promotion', 20000);
    } finally {
      running = false; // also when a step fails, so the run ends
      await load;
    }

    await until(
      async () => {
        const sent = await sentCounts();
        return accepted.every((a) => sent.has(a.requestId));
      },
      'every accepted SMS at Ronglian',
      60000,
    );
    const sent = await sentCounts();
    const lost = accepted.filter((a) => !sent.has(a.requestId));
    const twice = [...sent.entries()].filter(([, n]) => n > 1);
    expect({ lost, twice }).toEqual({ lost: [], twice: [] });
    // Refused requests (5xx while no master answered) were never accepted; none may be a 4xx of ours.
    expect(refusals.filter((s) => s >= 400 && s < 500)).toEqual([]);
    process.stderr.write(
      `[sentinel failover] accepted ${accepted.length}, refused during failover ${refusals.length}, ` +
        `delivered ${sent.size}, lost ${lost.length}, sent twice ${twice.length}\n`,
    );
  }, 150_000);
});

/** Messages Ronglian accepted, counted by reqId (our request id). */
async function sentCounts(): Promise<Map<string, number>> {
  const { messages } = await fakeCall<{ messages: Array<{ reqId?: string }> }>(
    stack.fakes.ronglian,
    'GET',
    '/_fake/messages',
  );
  const counts = new Map<string, number>();
  for (const m of messages) if (m.reqId) counts.set(m.reqId, (counts.get(m.reqId) ?? 0) + 1);
  return counts;
}
