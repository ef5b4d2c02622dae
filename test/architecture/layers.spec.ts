/**
 * The dependency rules of docs/architecture.md, checked on the source: no two `src/*` folders import each
 * other (directly or through others), and every import between folders points down the layers.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

const SRC = resolve(import.meta.dirname, '../../src');

/** Lower index = higher layer; a folder may import only folders of a later group or its own. */
const LAYERS: string[][] = [
  ['web', 'health'],
  ['account', 'maintenance'],
  ['oauth'],
  ['auth'],
  ['activation'],
  ['captcha', 'mail', 'sms', 'identities'],
  ['limits', 'audit', 'users'],
  ['observability'],
  ['database', 'infra'],
  ['config', 'common'],
];
const layerOf = (folder: string) => LAYERS.findIndex((group) => group.includes(folder));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** `src/<folder>` imports between folders, as [from, to, file]. */
function edges(): Array<[string, string, string]> {
  const found: Array<[string, string, string]> = [];
  for (const file of sourceFiles(SRC)) {
    const from = relative(SRC, file).split(sep)[0];
    if (from.endsWith('.ts')) continue; // the roots (main, worker, app modules) may import anything
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const to = relative(SRC, resolve(file, '..', spec)).split(sep)[0];
      if (to !== from && !to.endsWith('.js') && !to.startsWith('..')) found.push([from, to, relative(SRC, file)]);
    }
  }
  return found;
}

describe('source layers', () => {
  const all = edges();

  it('knows every src folder', () => {
    const folders = readdirSync(SRC).filter((name) => statSync(join(SRC, name)).isDirectory());
    expect(folders.filter((f) => layerOf(f) < 0)).toEqual([]);
  });

  it('imports only down the layers, so no two folders import each other', () => {
    const upward = all.filter(([from, to]) => layerOf(to) < layerOf(from));
    const sideways = all.filter(([from, to]) => layerOf(to) === layerOf(from));
    const mutual = sideways.filter(([from, to]) => sideways.some(([f, t]) => f === to && t === from));
    expect(upward.map(([from, to, file]) => `${file}: ${from} → ${to}`)).toEqual([]);
    expect(mutual.map(([from, to, file]) => `${file}: ${from} ↔ ${to}`)).toEqual([]);
  });
});
