import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** What a password must not contain; each part counts only when it is 4 characters or longer. */
export interface PasswordContext {
  username?: string | null;
  /** Any form (`+8613800138000`, `13800138000`): its last 11 digits count. */
  phone?: string | null;
  /** Its local part (before the last `@`) counts. */
  email?: string | null;
}

const MIN_PART = 4;

/**
 * The message for `fields.password` when a password is refused, else null: one of the 100,000 most common
 * passwords (case-insensitive), or it contains the username, the phone's digits or the email's local part
 * (docs/passwords.md).
 */
export function checkPassword(password: string, context: PasswordContext = {}): string | null {
  if (isCommonPassword(password)) return 'is too common; choose one that is harder to guess';
  const lower = password.toLowerCase();
  if (personalParts(context).some((part) => lower.includes(part)))
    return 'must not contain your username, phone number or email name';
  return null;
}

/** Whether the lower-cased password is on the list: a binary search over the sorted lines of one Buffer. */
export function isCommonPassword(password: string): boolean {
  const list = commonPasswords();
  const needle = Buffer.from(password.toLowerCase());
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const start = mid > 0 ? list.lastIndexOf(0x0a, mid - 1) + 1 : 0;
    const end = list.indexOf(0x0a, start);
    const order = Buffer.compare(list.subarray(start, end), needle);
    if (order === 0) return true;
    if (order < 0) lo = end + 1;
    else hi = start;
  }
  return false;
}

let list: Buffer | undefined;

/**
 * Loaded on first use (not at start-up), ~0.75 MB as one Buffer outside the JS heap. The file sits next to
 * the module that reads it: src/auth in specs, dist/bundle and dist/src/auth after the build.
 */
function commonPasswords(): Buffer {
  list ??= gunzipSync(readFileSync(new URL('./common-passwords.txt.gz', import.meta.url)));
  return list;
}

function personalParts({ username, phone, email }: PasswordContext): string[] {
  const digits = phone?.replace(/\D/g, '').slice(-11);
  const local = email?.slice(0, Math.max(0, email.lastIndexOf('@')));
  return [username, digits, local]
    .map((part) => part?.trim().toLowerCase() ?? '')
    .filter((part) => part.length >= MIN_PART);
}
