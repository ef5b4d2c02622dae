import { CATALOGUE, type ErrorEntry, type ErrorReason } from '../errors/index.js';

export const TABLE_BEGIN = '<!-- errors:begin -->';
export const TABLE_END = '<!-- errors:end -->';

const reasons = () => Object.keys(CATALOGUE) as ErrorReason[];
const byCode = (a: ErrorReason, b: ErrorReason) => CATALOGUE[a].code - CATALOGUE[b].code || a.localeCompare(b);
const cell = (text: string) => text.replaceAll('|', '\\|');

/** docs/errors.json: the catalogue for clients (the SPA and the client SDK map reasons to messages with it). */
export function errorsJson(): Record<ErrorReason, ErrorEntry> {
  return Object.fromEntries(reasons().map((reason) => [reason, CATALOGUE[reason]])) as Record<ErrorReason, ErrorEntry>;
}

/** The Markdown table of docs/errors.md, one row per reason, ordered by code. */
export function errorsTable(): string {
  const rows = reasons()
    .sort(byCode)
    .map((reason) => {
      const { status, code, message } = CATALOGUE[reason];
      return `| ${code} | ${status} | \`${reason}\` | ${cell(message['zh-CN'])} | ${cell(message.en)} |`;
    });
  return ['| code | HTTP | reason | message (zh-CN) | message (en) |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** `page` with the text between the table markers replaced by `table`. */
export function replaceErrorsTable(page: string, table: string): string {
  const begin = page.indexOf(TABLE_BEGIN);
  const end = page.indexOf(TABLE_END);
  if (begin < 0 || end < begin) throw new Error(`docs/errors.md lacks ${TABLE_BEGIN} … ${TABLE_END}`);
  return `${page.slice(0, begin + TABLE_BEGIN.length)}\n${table}\n${page.slice(end)}`;
}
