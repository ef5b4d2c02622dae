/**
 * Ronglian `statusCode` classification (docs/providers/ronglian.md, "Error codes"). Transient codes are retried
 * with the same `reqId`, so a send Ronglian already accepted comes back as 160054 instead of a second SMS.
 */
export type RonglianOutcome = 'sent' | 'duplicate' | 'transient' | 'permanent';

const TRANSIENT_EXACT = new Set(['111111', '160000', '161000', '161001', '161006', '160050', '160063', '160064']);

export function classifyRonglian(statusCode: string): RonglianOutcome {
  if (statusCode === '000000') return 'sent';
  if (statusCode === '160054') return 'duplicate';
  if (TRANSIENT_EXACT.has(statusCode)) return 'transient';
  const n = Number(statusCode);
  if (inRange(n, 111000, 111099) || inRange(n, 160001, 160010)) return 'transient';
  if (inRange(n, 161008, 161012) || inRange(n, 161020, 161024)) return 'transient';
  return 'permanent';
}

function inRange(n: number, lo: number, hi: number): boolean {
  return n >= lo && n <= hi;
}
