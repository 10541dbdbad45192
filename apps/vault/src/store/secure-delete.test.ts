// Issue 9: the vault's SQLite connection zeroes deleted rows (PRAGMA secure_delete).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openStore } from './connect';

describe('vault SQLite store', () => {
  it('has secure_delete on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-vault-sd-'));
    const store = await openStore({ dataDir: dir, databaseUrl: undefined });
    try {
      const r = await store.db.executeQuery<{ secure_delete: number }>(
        CompiledQuery.raw('PRAGMA secure_delete'),
      );
      expect(r.rows[0]?.secure_delete).toBe(1);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
