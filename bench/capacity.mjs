// The capacity model of docs/capacity.md, computed from the per-request costs of the latest bench run
// (bench/results/latest.json) and the stated traffic assumptions below. Prints markdown tables.
//   node bench/capacity.mjs [results.json]
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'bench/results/latest.json';
const { costs, date } = JSON.parse(readFileSync(file, 'utf8'));

// Requests per daily active user per day, and the peak over the daily average (docs/capacity.md, "Assumptions").
const PER_USER_DAY = { me: 20, refresh: 6, login: 0.1, smsCode: 0.1, weibo: 0.02 };
const PEAK_FACTOR = 3;
// The bench's /me always finds the cached profile (one user); in production a user's first /me in a minute
// misses (PROFILE_TTL_MS): two PostgreSQL reads (the user, its identities) and one Redis SET more.
const ME_CACHE_MISS = 0.25;
const CPU_TARGET = 0.6; // plan every process for 60 % busy at peak
const POOL_PER_PROCESS = 20; // the service's PostgreSQL pool (src/database/data-source-options.ts)
const REFRESH_RETENTION_DAYS = 30; // JWT_REFRESH_TTL: a rotated row lives until its expiry is purged
const BYTES = { profile: 900, smsRequest: 350, refreshRow: 400 }; // per cached profile, per code request (24 h keys), per refresh_tokens row with its indexes

const KINDS = {
  me: 'GET /v1/users/me',
  refresh: 'POST /v1/tokens/refresh',
  login: 'POST /v1/tokens (password login)',
  smsCode: 'POST /v1/users/sms/code',
  weibo: 'Weibo callback, bound user',
};
const WORKER = 'SMS job (worker)';
const cost = (kind) => costs[KINDS[kind] ?? kind];

const fmt = (n, digits = 0) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : n >= 1e4 ? `${(n / 1e3).toFixed(0)} k` : n.toFixed(digits);

function model(dau) {
  const peak = Object.fromEntries(
    Object.entries(PER_USER_DAY).map(([k, perDay]) => [k, (dau * perDay * PEAK_FACTOR) / 86400]),
  );
  const sum = (field) => Object.keys(peak).reduce((n, k) => n + peak[k] * (cost(k)?.[field] ?? 0), 0);
  const misses = peak.me * ME_CACHE_MISS;
  const apiCores = sum('cpuMs') / 1000 / CPU_TARGET;
  const workerCores = (peak.smsCode * (costs[WORKER]?.cpuMs ?? 0)) / 1000 / CPU_TARGET;
  const apiProcesses = Math.max(2, Math.ceil(apiCores));
  const workers = Math.max(1, Math.ceil(workerCores));
  const redisOps = sum('redisCommands') + misses + peak.smsCode * (costs[WORKER]?.redisCommands ?? 0);
  const cachedProfiles = Math.min(dau, peak.me * 60);
  const redisBytes = cachedProfiles * BYTES.profile + dau * PER_USER_DAY.smsCode * BYTES.smsRequest;
  const refreshRowsPerDay = dau * (PER_USER_DAY.refresh + PER_USER_DAY.login + PER_USER_DAY.weibo);
  return {
    dau,
    peak,
    apiCores,
    apiProcesses,
    workerCores,
    workers,
    redisOps,
    redisBytes,
    pgConnections: (apiProcesses + workers) * POOL_PER_PROCESS,
    pgXacts: sum('pgXacts') + misses * 2,
    pgRowsWritten: sum('pgRowsWritten'),
    pgRowsRead: sum('pgRowsRead') + misses * 2,
    refreshRowsPerDay,
    refreshTableBytes: refreshRowsPerDay * REFRESH_RETENTION_DAYS * BYTES.refreshRow,
    smsQps: peak.smsCode,
  };
}

const rows = [1e6, 5e7].map(model);
const line = (label, f) => `| ${label} | ${rows.map(f).join(' | ')} |`;
const gb = (b) => `${(b / 2 ** 30).toFixed(1)} GiB`;
console.log(`Costs from the bench run of ${date}.\n`);
console.log('| kind | CPU ms | Redis commands | PG xacts | PG rows read | PG rows written | provider calls |');
console.log('|---|---|---|---|---|---|---|');
for (const [name, kind] of [...Object.entries(KINDS), ['SMS job (worker)', WORKER]]) {
  const c = costs[kind];
  if (c)
    console.log(
      `| ${name} | ${c.cpuMs} | ${c.redisCommands} | ${c.pgXacts} | ${c.pgRowsRead} | ${c.pgRowsWritten} | ${c.providerCalls ?? 0} |`,
    );
}
console.log(`\n| at peak (${PEAK_FACTOR}× the daily average) | 1 M DAU | 50 M DAU |`);
console.log('|---|---|---|');
console.log(line('GET /v1/users/me /s', (r) => fmt(r.peak.me)));
console.log(line('refreshes /s', (r) => fmt(r.peak.refresh)));
console.log(line('logins /s (all counted as password logins)', (r) => fmt(r.peak.login, 1)));
console.log(line('SMS codes /s (= SMS provider QPS)', (r) => fmt(r.peak.smsCode, 1)));
console.log(line('Weibo callbacks /s', (r) => fmt(r.peak.weibo, 1)));
console.log(
  line(`API cores at ${CPU_TARGET * 100} % (processes, ≥ 2)`, (r) => `${r.apiCores.toFixed(1)} (${r.apiProcesses})`),
);
console.log(line('worker cores (processes)', (r) => `${r.workerCores.toFixed(2)} (${r.workers})`));
console.log(line('Redis commands /s', (r) => fmt(r.redisOps)));
console.log(line('Redis memory (profiles cached + 24 h SMS keys)', (r) => gb(r.redisBytes)));
console.log(line(`PostgreSQL connections (${POOL_PER_PROCESS} per process)`, (r) => fmt(r.pgConnections)));
console.log(line('PostgreSQL transactions /s', (r) => fmt(r.pgXacts)));
console.log(line('PostgreSQL rows written /s', (r) => fmt(r.pgRowsWritten)));
console.log(line('PostgreSQL rows read /s', (r) => fmt(r.pgRowsRead)));
console.log(line('refresh_tokens rows added per day', (r) => fmt(r.refreshRowsPerDay)));
console.log(line(`refresh_tokens size at ${REFRESH_RETENTION_DAYS} days`, (r) => gb(r.refreshTableBytes)));
