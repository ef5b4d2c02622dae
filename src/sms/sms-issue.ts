import type { Redis } from 'ioredis';
import type { CaptchaCounting } from '../captcha/captcha.policy.js';
import { deleteIfEquals, redisScript } from '../infra/redis-script.js';
import { ipBuckets } from '../limits/ip-bucket.js';
import type { SmsRefusal } from '../observability/metrics.js';
import { smsKeys } from './sms-request.store.js';

/** Everything one code request needs decided in Redis. */
export interface IssueRequest {
  phone: string;
  ip: string;
  requestId: string;
  cooldownSeconds: number;
  codeTtlSeconds: number;
  /** The code's HMAC, the only form of it Redis sees. */
  digest: string;
  caps: { ip: number; network: number; daily: number; global: number };
  captcha: CaptchaCounting;
}

export type IssueOutcome = ['ok' | SmsRefusal, number];

const QUEUED = '{"status":"queued"}';
const STATUS_TTL_SECONDS = 86400;

// One round trip decides a code request. First the captcha policy (docs/captcha.md): in `adaptive` mode the
// request is counted per IP bucket and per phone, and refused when a captcha is due and none valid came.
// Then the per-phone cooldown (SET NX: of many concurrent requests one wins), then the caps per IP bucket,
// per network (/24, /48), per phone and day, and for the whole site. A request refused by a cap gives back
// everything it counted there and its cooldown. Then the code's HMAC and the request's status. Every key
// comes in KEYS (docs/abuse.md, "SMS code requests"); the keys span several hash tags, so this script runs
// only where one server holds every key (docs/scale-out.md).
const ISSUE = redisScript(`
local due = ARGV[9] == 'always'
if ARGV[9] == 'adaptive' then
  local perIp = redis.call('INCR', KEYS[8])
  if perIp == 1 then redis.call('EXPIRE', KEYS[8], 3600) end
  local perPhone = redis.call('INCR', KEYS[9])
  if perPhone == 1 then redis.call('EXPIRE', KEYS[9], 86400) end
  due = perIp > tonumber(ARGV[11]) or perPhone > tonumber(ARGV[12])
end
if due and ARGV[10] ~= '1' then return {'captcha', 0} end
if not redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX') then
  return {'cooldown', redis.call('PTTL', KEYS[1])}
end
local caps = {{KEYS[2], ARGV[3], 3600, 'ip'}, {KEYS[3], ARGV[4], 3600, 'network'},
  {KEYS[4], ARGV[5], 86400, 'daily'}, {KEYS[5], ARGV[6], 3600, 'global'}}
for i, cap in ipairs(caps) do
  local n = redis.call('INCR', cap[1])
  if n == 1 then redis.call('EXPIRE', cap[1], cap[3]) end
  if n > tonumber(cap[2]) then
    local wait = redis.call('TTL', cap[1])
    for j = 1, i do redis.call('DECR', caps[j][1]) end
    redis.call('DEL', KEYS[1])
    return {cap[4], wait}
  end
end
redis.call('HSET', KEYS[6], 'h', ARGV[7], 'a', 0)
redis.call('EXPIRE', KEYS[6], ARGV[8])
redis.call('SET', KEYS[7], '${QUEUED}', 'EX', ${STATUS_TTL_SECONDS})
return {'ok', 0}`);

/** The single script, for a server that holds every key (standalone, Sentinel). */
export async function issueAtOnce(redis: Redis, r: IssueRequest): Promise<IssueOutcome> {
  const { address, network } = ipBuckets(r.ip);
  const keys = [
    smsKeys.cooldown(r.phone),
    smsKeys.perIp(address, network),
    smsKeys.perNetwork(network),
    smsKeys.daily(r.phone),
    smsKeys.global,
    smsKeys.code(r.phone),
    smsKeys.request(r.requestId),
    ...r.captcha.keys,
  ];
  const { ip, network: net, daily, global } = r.caps;
  const args = [r.requestId, r.cooldownSeconds, ip, net, daily, global, r.digest, r.codeTtlSeconds];
  return (await ISSUE(redis, keys, [...args, ...r.captcha.args])) as IssueOutcome;
}

// The same decision as ISSUE in steps of one hash tag each, for Redis Cluster (docs/scale-out.md): the captcha
// count per IP bucket (the network's tag), the captcha count per phone and the cooldown (the phone's tag),
// the caps per IP bucket and network, per phone and day, for the site, then the code and the status. A step
// that refuses gives back what it counted; the caller gives back what the earlier steps took.
const COUNT = redisScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`);
const GATE = redisScript(`
local due = ARGV[1] == 'always'
if ARGV[1] == 'adaptive' then
  local perPhone = redis.call('INCR', KEYS[1])
  if perPhone == 1 then redis.call('EXPIRE', KEYS[1], 86400) end
  due = tonumber(ARGV[3]) > tonumber(ARGV[4]) or perPhone > tonumber(ARGV[5])
end
if due and ARGV[2] ~= '1' then return {'captcha', 0} end
if not redis.call('SET', KEYS[2], ARGV[6], 'EX', ARGV[7], 'NX') then
  return {'cooldown', redis.call('PTTL', KEYS[2])}
end
return {'ok', 0}`);
// ARGV holds a (cap, window, refusal) triple per key.
const CAPS = redisScript(`
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('EXPIRE', key, ARGV[i * 3 - 1]) end
  if n > tonumber(ARGV[i * 3 - 2]) then
    local wait = redis.call('TTL', key)
    for j = 1, i do redis.call('DECR', KEYS[j]) end
    return {ARGV[i * 3], wait}
  end
end
return {'ok', 0}`);
const REFUND = redisScript(`
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then redis.call('DECR', key) end
end
return 0`);
const STORE_CODE = redisScript(`
redis.call('HSET', KEYS[1], 'h', ARGV[1], 'a', 0)
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 0`);

/** ISSUE in steps of one hash tag each, with the refunds of a refused step. */
export async function issueInSteps(redis: Redis, r: IssueRequest): Promise<IssueOutcome> {
  const { address, network } = ipBuckets(r.ip);
  const [mode, solved, afterPerIp, afterPerPhone] = r.captcha.args;
  const [captchaIp, captchaPhone] = r.captcha.keys;
  const perIp = mode === 'adaptive' ? await COUNT(redis, [captchaIp], [3600]) : 0;
  const gateArgs = [mode, solved, Number(perIp), afterPerIp, afterPerPhone, r.requestId, r.cooldownSeconds];
  const gate = (await GATE(redis, [captchaPhone, smsKeys.cooldown(r.phone)], gateArgs)) as IssueOutcome;
  if (gate[0] !== 'ok') return gate;
  const steps: Array<[string[], Array<string | number>]> = [
    [
      [smsKeys.perIp(address, network), smsKeys.perNetwork(network)],
      [r.caps.ip, 3600, 'ip', r.caps.network, 3600, 'network'],
    ],
    [[smsKeys.daily(r.phone)], [r.caps.daily, 86400, 'daily']],
    [[smsKeys.global], [r.caps.global, 3600, 'global']],
  ];
  const refunds: Array<() => Promise<unknown>> = [
    () => deleteIfEquals(redis, [smsKeys.cooldown(r.phone)], [r.requestId]),
  ];
  for (const [keys, args] of steps) {
    const outcome = (await CAPS(redis, keys, args)) as IssueOutcome;
    if (outcome[0] !== 'ok') {
      await Promise.all(refunds.map((refund) => refund()));
      return outcome;
    }
    refunds.push(() => REFUND(redis, keys, []));
  }
  await Promise.all([
    STORE_CODE(redis, [smsKeys.code(r.phone)], [r.digest, r.codeTtlSeconds]),
    redis.set(smsKeys.request(r.requestId), QUEUED, 'EX', STATUS_TTL_SECONDS),
  ]);
  return ['ok', 0];
}
