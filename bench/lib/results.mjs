// The bench's table: every figure with its target and pass/miss, plus per-request costs for docs/capacity.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { CONNECTIONS, RUNS, SECONDS, log } from './load.mjs';

const results = [];
const costs = {};
const notes = [];

export function record(scenario, figure, value, target, pass, note = '') {
  results.push({ scenario, figure, value, target, pass, note });
  log(`${scenario}: ${figure} = ${value} (target ${target}) ${pass === null ? '' : pass ? 'PASS' : 'MISS'} ${note}`);
}

/** A figure without a target (a floor, a reference rate, a setting). */
export const reference = (scenario, figure, value, note = '') =>
  record(scenario, figure, value, '(reference)', null, note);

export function recordCost(kind, cost) {
  costs[kind] = cost;
  log(`cost of ${kind}: ${JSON.stringify(cost)}`);
}

export const note = (text) => notes.push(text);

const mark = (pass) => (pass === null ? '' : pass ? 'pass' : '**miss**');

export function report(layout) {
  const machine = `${cpus().length} × ${cpus()[0].model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const lines = [
    `Benchmark (${new Date().toISOString()}; ${machine}; ${layout}; ${RUNS} runs × ${SECONDS} s, ${CONNECTIONS} connections, medians)`,
    '',
    '| scenario | figure | value | target | result | note |',
    '|---|---|---|---|---|---|',
    ...results.map((r) => `| ${r.scenario} | ${r.figure} | ${r.value} | ${r.target} | ${mark(r.pass)} | ${r.note} |`),
    '',
    'Per-request costs (API process CPU, Redis commands, PostgreSQL transactions and rows written):',
    '',
    '| kind | CPU ms/req | Redis commands/req | Redis commands (by name) | PG xacts/req | PG rows read/req | PG rows written/req | provider calls/req |',
    '|---|---|---|---|---|---|---|---|',
    ...Object.entries(costs).map(
      ([kind, c]) =>
        `| ${kind} | ${c.cpuMs} | ${c.redisCommands} | ${c.redisByCommand} | ${c.pgXacts} | ${c.pgRowsRead} | ${c.pgRowsWritten} | ${c.providerCalls ?? 0} |`,
    ),
    ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : []),
  ];
  console.log(lines.join('\n'));
  mkdirSync('bench/results', { recursive: true });
  const file = {
    date: new Date().toISOString(),
    machine,
    layout,
    runs: RUNS,
    seconds: SECONDS,
    connections: CONNECTIONS,
    results,
    costs,
    notes,
  };
  if (!process.env.BENCH_ONLY) writeFileSync('bench/results/latest.json', JSON.stringify(file, null, 2));
  writeFileSync(`bench/results/${file.date.replace(/[:.]/g, '-')}.json`, JSON.stringify(file, null, 2));
}
