// What a captcha adds to an SMS code request when it is due (CAPTCHA_MODE=adaptive or always): measured
// in-process on the server's core (bench/captcha-cost.mjs), since a load of pre-solved captchas would cost
// the load generator a key search per request.
import { spawn } from 'node:child_process';
import { recordCost, reference } from '../lib/results.mjs';
import { SERVER_CPU } from '../lib/stack.mjs';

export async function captcha({ redisUrl }) {
  const child = spawn('taskset', ['-c', SERVER_CPU, process.execPath, 'bench/captcha-cost.mjs', redisUrl, '500'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await new Promise((r) => child.on('exit', r));
  const { challenge, verify, verifyDefaultCost } = JSON.parse(out);
  reference(
    'captcha',
    'AltchaVerifier.verify CPU µs (wall µs incl. Redis SET NX)',
    `${verify.cpuUs} (${verify.wallUs})`,
    `${verify.accepted}/${verify.n} accepted; at CAPTCHA_COST=1000: ${verifyDefaultCost.cpuUs} µs CPU`,
  );
  reference('captcha', 'AltchaVerifier.challenge CPU µs (a 428 answer, CAPTCHA_COST=1000)', challenge.cpuUs);
  recordCost('captcha verification (in-process, per request)', {
    requests: verify.n,
    cpuMs: Number((verify.cpuUs / 1000).toFixed(3)),
    redisCommands: 1,
    redisByCommand: 'set 1',
    pgXacts: 0,
    pgRowsRead: 0,
    pgRowsWritten: 0,
  });
}
