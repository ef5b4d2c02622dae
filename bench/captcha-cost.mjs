// The cost of one captcha on the SMS route, in-process on the core this runs on: AltchaVerifier.challenge()
// (what a 428 answer costs: one key derivation) and AltchaVerifier.verify() (two HMACs and one Redis SET NX).
// Solutions are computed here beforehand, as a browser would; CAPTCHA_COST=1 keeps that quick, and two
// solutions at the default cost show that verifying does not depend on it (docs/captcha.md).
import { pbkdf2Sync } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '../dist/src/config/config.js';
import { AltchaVerifier } from '../dist/src/captcha/altcha.verifier.js';
import { SpentCaptchas } from '../dist/src/captcha/spent-captchas.store.js';

const [redisUrl, count] = [process.argv[2], Number(process.argv[3] ?? 500)];
const redis = new Redis(redisUrl);
const SECRET = 'bench-captcha-secret-0123456789abcdef';
const verifierAt = (cost) =>
  new AltchaVerifier(loadConfig({ CAPTCHA_SECRET: SECRET, CAPTCHA_COST: String(cost) }), new SpentCaptchas(redis));

function solve(challenge) {
  const { nonce, salt, cost, keyLength, keyPrefix } = challenge.parameters;
  const password = Buffer.alloc(nonce.length / 2 + 4);
  Buffer.from(nonce, 'hex').copy(password);
  for (let counter = 0; ; counter++) {
    password.writeUInt32BE(counter, nonce.length / 2);
    const key = pbkdf2Sync(password, Buffer.from(salt, 'hex'), cost, keyLength, 'sha256').toString('hex');
    if (key.startsWith(keyPrefix)) return { counter, derivedKey: key };
  }
}
const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64');

/** CPU µs per call and wall µs per call, `n` calls one after another. */
async function time(n, call) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await call(i);
  const cpu = process.cpuUsage(cpu0);
  return { cpuUs: Math.round((cpu.user + cpu.system) / n), wallUs: Math.round(((performance.now() - t0) * 1000) / n) };
}

async function verifyCost(cost, n) {
  const verifier = verifierAt(cost);
  const payloads = [];
  for (let i = 0; i < n; i++) {
    const challenge = await verifier.challenge();
    payloads.push(encode({ challenge, solution: solve(challenge) }));
  }
  let accepted = 0;
  const timing = await time(n, async (i) => (accepted += (await verifier.verify(payloads[i])) ? 1 : 0));
  return { ...timing, accepted, n };
}

const challenge = await time(200, () => verifierAt(1000).challenge());
const verify = await verifyCost(1, count);
const verifyDefaultCost = await verifyCost(1000, 2);
console.log(JSON.stringify({ challenge, verify, verifyDefaultCost }));
await redis.quit();
