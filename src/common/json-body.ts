import { fail } from './errors/index.js';

const MAX_DEPTH = 16;

/**
 * The API's only body parser: JSON, nothing else (a form post from any web page would otherwise reach the
 * API without a CORS preflight). Refused with a 400 before any handler sees them: bodies nested deeper than
 * MAX_DEPTH (the validators recurse), strings with NUL or unpaired surrogates (PostgreSQL and the
 * validators reject them), and prototype keys.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw fail('malformed_json');
  }
  inspect(value, 0);
  return value;
}

function inspect(value: unknown, depth: number): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000') || !(value as string & { isWellFormed(): boolean }).isWellFormed()) {
      throw fail('invalid_characters');
    }
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (depth >= MAX_DEPTH) throw fail('too_deeply_nested');
  for (const [key, item] of Object.entries(value)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') throw fail('forbidden_key');
    inspect(key, depth + 1);
    inspect(item, depth + 1);
  }
}
