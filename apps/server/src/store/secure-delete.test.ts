// Issue 9: a deleted or rewritten row leaves no byte of its text in the SQLite file or its WAL
// (PRAGMA secure_delete on every connection: the main one and the writer thread's).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from './connect';
import type { Plan } from './connect';

function* exec(sql: string, ...params: unknown[]): Plan<unknown[]> {
  return yield CompiledQuery.raw(sql, params);
}

function bytesOf(file: string): Buffer {
  const parts = [file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f));
  return Buffer.concat(parts);
}

describe.each(['thread', 'inline'] as const)('SQLite secure_delete (%s writer)', (writer) => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('leaves no trace of a deleted or rewritten row in the file or the WAL', async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-secure-delete-'));
    const file = join(dir, 'store.sqlite');
    const conn = await connect({ kind: 'sqlite', file, writer });
    const checkpoint = (): void => {
      const side = new BetterSqlite3(file);
      side.pragma('wal_checkpoint(TRUNCATE)');
      side.close();
    };
    const deleted = `the deleted sentence ${Math.random().toString(36).slice(2)} `.repeat(20);
    const rewritten = `the rewritten sentence ${Math.random().toString(36).slice(2)} `.repeat(20);
    try {
      const pragma = await conn.db.executeQuery<{ secure_delete: number }>(
        CompiledQuery.raw('PRAGMA secure_delete'),
      );
      expect(pragma.rows[0]?.secure_delete).toBe(1);
      await conn.runInTransaction(exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)'));
      await conn.runInTransaction(
        (function* () {
          yield* exec('INSERT INTO t (id, v) VALUES (1, ?)', deleted);
          yield* exec('INSERT INTO t (id, v) VALUES (2, ?)', rewritten);
          yield* exec('INSERT INTO t (id, v) VALUES (3, ?)', 'a neighbour that stays');
          return null;
        })(),
      );
      checkpoint(); // the sentences are now in the main file too
      expect(bytesOf(file).includes(deleted)).toBe(true);
      await conn.runInTransaction(
        (function* () {
          yield* exec('DELETE FROM t WHERE id = 1');
          // a held message released or redacted is rewritten in place
          yield* exec('UPDATE t SET v = ? WHERE id = 2', 'shorter');
          return null;
        })(),
      );
      checkpoint();
      const bytes = bytesOf(file);
      expect(bytes.includes('a neighbour that stays')).toBe(true);
      expect(bytes.includes(deleted.slice(0, 40))).toBe(false);
      expect(bytes.includes(rewritten.slice(0, 40))).toBe(false);
    } finally {
      await conn.close();
    }
  });
});
