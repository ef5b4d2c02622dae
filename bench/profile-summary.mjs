// Summarises a V8 CPU profile (node --cpu-prof) of the unbundled API (BENCH_PROFILE=1): self time by package
// or src/ folder, the hottest functions, and the inclusive time of the service's own functions, with dist/src
// positions mapped back to src/*.ts through tsc's source maps. Only the busiest `seconds` of samples count, so
// start-up and idle time do not blur the load phase.
//   node bench/profile-summary.mjs <file.cpuprofile> [seconds] [top]
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

const [file, seconds = '8', top = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Sample times: startTime plus the running sum of timeDeltas (µs). The window is the busiest `seconds` (most
// samples outside "(idle)"), which is the load phase whatever else the process did before or after.
let t = profile.startTime;
const times = profile.timeDeltas.map((d) => (t += d));
const idle = profile.samples.map((id) => byId.get(id).callFrame.functionName === '(idle)');
let [from, best, busy] = [0, -1, 0];
for (let a = 0, b = 0; b < times.length; b++) {
  if (!idle[b]) busy++;
  while (times[b] - times[a] > Number(seconds) * 1e6) if (!idle[a++]) busy--;
  if (busy > best) [best, from] = [busy, times[a]];
}
const to = from + Number(seconds) * 1e6;
const self = new Map();
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  if (times[i] < from || times[i] > to) continue;
  const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  total += dt;
}

const maps = new Map();
function original(url, line, column) {
  if (!url.includes('/dist/src/')) return null;
  const path = fileURLToPath(url);
  if (!maps.has(path)) {
    try {
      maps.set(path, new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8'))));
    } catch {
      maps.set(path, null);
    }
  }
  const entry = maps.get(path)?.findEntry(line, column);
  return entry?.originalSource ? `src/${entry.originalSource.split('/src/').pop()}:${entry.originalLine + 1}` : null;
}

function where(frame) {
  const { url, lineNumber, columnNumber } = frame;
  if (!url) return '';
  return (
    original(url, lineNumber, columnNumber) ??
    `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${lineNumber + 1}`
  );
}

function category(frame) {
  const { url, functionName } = frame;
  if (!url) return functionName || '(anonymous)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const ours = /\/dist\/src\/([^/]+)/.exec(url);
  if (ours) return `src/${ours[1].replace(/\.js$/, '')}`;
  return url.startsWith('node:') ? 'node (core)' : url;
}

const pct = (ms) => `${((100 * ms) / total).toFixed(1)}%`;
const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms);
const sorted = (map) => [...map].sort(([, a], [, b]) => b - a);

const categories = new Map();
const functions = new Map();
const inclusive = new Map();
for (const [id, ms] of self) {
  const frame = byId.get(id).callFrame;
  add(categories, category(frame).slice(0, 80), ms);
  add(functions, `${frame.functionName || '(anonymous)'} ${where(frame)}`, ms);
  // Inclusive time of our own functions: every src/ frame on the stack, each counted once per sample.
  const seen = new Set();
  for (let n = id; n !== undefined; n = parent.get(n)) {
    const f = byId.get(n).callFrame;
    if (!f.url.includes('/dist/src/')) continue;
    const key = `${f.functionName || '(anonymous)'} ${where(f)}`;
    if (!seen.has(key)) add(inclusive, key, ms);
    seen.add(key);
  }
}

console.log(`${total.toFixed(0)} ms of samples in the busiest ${seconds} s\n\nSelf time by package / src folder:`);
for (const [k, ms] of sorted(categories).slice(0, Number(top))) console.log(`  ${pct(ms).padStart(6)}  ${k}`);
console.log('\nHottest functions (self time):');
for (const [k, ms] of sorted(functions).slice(0, Number(top))) console.log(`  ${pct(ms).padStart(6)}  ${k}`);
console.log("\nThe service's own functions (inclusive time):");
for (const [k, ms] of sorted(inclusive).slice(0, Number(top))) console.log(`  ${pct(ms).padStart(6)}  ${k}`);
