import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VAULT_ERRORS } from './errors';

const docs = readFileSync(new URL('../../../../docs/vault.md', import.meta.url), 'utf8');

describe('vault error registry', () => {
  it('matches the table in docs/vault.md', () => {
    const rows = new Map<string, number>();
    for (const line of docs.split('\n')) {
      const m = /^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|/.exec(line);
      if (m?.[1] && m[2]) rows.set(m[1], Number(m[2]));
    }
    expect(Object.fromEntries(rows)).toEqual(
      Object.fromEntries(Object.entries(VAULT_ERRORS).map(([code, e]) => [code, e.status])),
    );
  });
});
