// WAL checkpoints on a thread of their own (issue 18, must 7): the writer thread's commits and the
// main connection no longer checkpoint (wal_autocheckpoint = 0), and the checkpointer copies the
// WAL back into the database file on its timer.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompiledQuery } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../test/faults/kit';
import { connect, type Connection, type Plan } from './connect';

function* fill(rows: number): Plan<number> {
  for (let i = 0; i < rows; i++)
    yield CompiledQuery.raw('INSERT INTO t (v) VALUES (?)', ['x'.repeat(2000) + String(i)]);
  return rows;
}

describe('sqlite WAL checkpointer thread', () => {
  let dir: string;
  let file: string;
  let conn: Connection;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-checkpoint-'));
    file = join(dir, 'c.db');
    conn = await connect({ kind: 'sqlite', file, writer: 'thread' });
    await conn.transaction(async (exec) => {
      await exec(CompiledQuery.raw('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)'));
    });
  });
  afterEach(async () => {
    await conn.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies committed pages into the database file while the WAL is below the autocheckpoint size', async () => {
    const before = statSync(file).size;
    // ~1.2 MB, about 300 pages: SQLite's own autocheckpoint (1,000 pages) would not run yet.
    await conn.runInTransaction(fill(600));
    const grown = await waitFor('the database file to hold the rows', () => {
      const size = statSync(file).size;
      return size > before + 1_000_000 ? size : undefined;
    });
    expect(grown).toBeGreaterThan(before + 1_000_000);
    // The main connection reads them (through the WAL or the file alike).
    const rows = await conn.db.executeQuery(CompiledQuery.raw('SELECT count(*) AS n FROM t'));
    expect(rows.rows).toEqual([{ n: 600 }]);
  });

  it('keeps the WAL from growing without bound over many commits', async () => {
    // 10 MB in 20 commits; with checkpoints off and no checkpointer the WAL would hold all of it.
    for (let i = 0; i < 20; i++) {
      await conn.runInTransaction(fill(250));
      // A commit after a completed checkpoint starts the WAL from its beginning again.
      if (i % 5 === 4)
        await waitFor('a checkpoint', () => statSync(file).size > (i + 1) * 250 * 2000);
    }
    expect(statSync(`${file}-wal`).size).toBeLessThan(6_000_000);
  });
});
