import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// docs/configuration.md is the operator's list of settings: every variable the server's config
// reads is in it, in one row only.
const ROOT = resolve(import.meta.dirname, '../../..');
const config = readFileSync(resolve(ROOT, 'apps/server/src/config.ts'), 'utf8');
const docs = readFileSync(resolve(ROOT, 'docs/configuration.md'), 'utf8');

describe('docs/configuration.md', () => {
  it('names every PARLEY_ variable config.ts reads', () => {
    const read = [...new Set(config.match(/PARLEY_[A-Z0-9_]+/g) ?? [])];
    expect(read.length).toBeGreaterThan(20);
    expect(read.filter((v) => !docs.includes(`\`${v}\``))).toEqual([]);
  });

  it('has one row per variable', () => {
    const rows = docs
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) => l.split('|')[1]!.trim());
    expect(rows.filter((r, i) => rows.indexOf(r) !== i)).toEqual([]);
  });
});
