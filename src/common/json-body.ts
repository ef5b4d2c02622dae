import { Errors } from './app-error.js';

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
    throw Errors.badRequest('malformed_json', 'The body is not valid JSON');
  }
  inspect(value, 0);
  return value;
}

function inspect(value: unknown, depth: number): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000') || !(value as string & { isWellFormed(): boolean }).isWellFormed()) {
      throw Errors.badRequest('invalid_characters', 'A text value contains NUL or an unpaired surrogate');
    }
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (depth >= MAX_DEPTH)
    throw Errors.badRequest('too_deeply_nested', `The body is nested deeper than ${MAX_DEPTH} levels`);
  for (const [key, item] of Object.entries(value)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype')
      throw Errors.badRequest('forbidden_key', `The key "${key}" is not allowed`);
    inspect(key, depth + 1);
    inspect(item, depth + 1);
  }
}
