import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect } from './connect';
import type { Plan } from './connect';
import { startSqliteWriterThread } from './sqlite-writer-thread';
import type { SqliteWriterThread } from './sqlite-writer-thread';

// The writer thread on its own, against a scratch table, with a main-thread
// connection to the same file to see what was (and was not) committed.

function* run(sql: string, ...params: unknown[]): Generator<CompiledQuery, unknown[], unknown[]> {
  return yield CompiledQuery.raw(sql, params);
}

function* insertAll(values: string[]): Plan<number> {
  for (const v of values) yield* run('INSERT INTO t (v) VALUES (?)', v);
  return values.length;
}

// A statement that keeps the writer busy for a while (a few hundred ms).
const SLOW = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000)
  SELECT count(*) AS n FROM c`;

describe('sqlite writer thread', () => {
  let dir: string;
  let file: string;
  let main: BetterSqlite3.Database;
  let writer: SqliteWriterThread | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-writer-'));
    file = join(dir, 'w.db');
    main = new BetterSqlite3(file);
    main.pragma('journal_mode = WAL');
    main.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)');
    writer = await startSqliteWriterThread(file, 5000);
  });

  afterEach(async () => {
    await writer?.close();
    writer = undefined;
    main.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const values = (): string[] =>
    (main.prepare('SELECT v FROM t ORDER BY id').all() as { v: string }[]).map((r) => r.v);

  it('commits a plan; the main connection then sees it', async () => {
    await expect(writer?.run(insertAll(['a', 'b']))).resolves.toBe(2);
    expect(values()).toEqual(['a', 'b']);
  });

  it('rolls back the whole batch when a statement fails, keeping the error code; the next batch works', async () => {
    await expect(writer?.run(insertAll(['a', 'b', 'a']))).rejects.toMatchObject({
      code: 'SQLITE_CONSTRAINT_UNIQUE',
    });
    expect(values()).toEqual([]);
    await expect(writer?.run(insertAll(['c']))).resolves.toBe(1);
    expect(values()).toEqual(['c']);
  });

  it('rolls back when the plan itself throws between statements', async () => {
    function* failing(): Plan<void> {
      yield* run('INSERT INTO t (v) VALUES (?)', 'x');
      throw new Error('plan failed');
    }
    await expect(writer?.run(failing())).rejects.toThrow('plan failed');
    expect(values()).toEqual([]);
    // No transaction was left open: the main connection can take the write lock.
    main.exec("BEGIN IMMEDIATE; INSERT INTO t (v) VALUES ('y'); COMMIT");
    expect(values()).toEqual(['y']);
  });

  it('serialises concurrent transactions (read-then-write never interleaves)', async () => {
    // Each reads the count and inserts it; interleaved, two would insert the
    // same value and hit the unique index.
    function* next(): Plan<number> {
      const rows = (yield* run('SELECT count(*) AS n FROM t')) as { n: number }[];
      const n = rows[0]?.n ?? -1;
      yield* run('INSERT INTO t (v) VALUES (?)', String(n));
      return n;
    }
    const w = writer as SqliteWriterThread;
    const results = await Promise.all(Array.from({ length: 25 }, () => w.run(next())));
    expect(results.sort((x, y) => x - y)).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('close() with work queued settles every transaction and resolves', async () => {
    const w = writer as SqliteWriterThread;
    const pending = Array.from({ length: 10 }, (_, i) => w.run(insertAll([`q${i}`])));
    const closed = w.close();
    const settled = await Promise.allSettled(pending);
    await closed;
    writer = undefined;
    // Whatever resolved is stored; nothing is acknowledged that is not.
    const resolved = settled.filter((s) => s.status === 'fulfilled').length;
    expect(values()).toHaveLength(resolved);
    await expect(w.run(insertAll(['late']))).rejects.toThrow(/closed/);
  });

  it('fails closed when the thread dies mid-transaction, and leaves no lock behind', async () => {
    const w = writer as SqliteWriterThread;
    function* slow(): Plan<void> {
      yield* run('INSERT INTO t (v) VALUES (?)', 'lost');
      yield* run(SLOW);
    }
    const inFlight = w.run(slow());
    const queued = w.run(insertAll(['after']));
    // Let the first statement reach the thread, then kill it during the slow one.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await w.worker.terminate();
    await expect(inFlight).rejects.toThrow(/writer thread/);
    await expect(queued).rejects.toThrow(/writer thread/);
    await expect(w.run(insertAll(['later']))).rejects.toThrow(/writer thread/);
    expect(values()).toEqual([]);
    main.exec("BEGIN IMMEDIATE; INSERT INTO t (v) VALUES ('main'); COMMIT");
    expect(values()).toEqual(['main']);
    await w.close(); // does not hang on a dead thread
  });
});

describe('sqlite connection writer modes', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'parley-writer-mode-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  for (const writer of ['thread', 'inline'] as const) {
    it(`runs plans and reads them back on the main connection (${writer})`, async () => {
      const conn = await connect({ kind: 'sqlite', file: join(dir, `${writer}.db`), writer });
      try {
        await conn.runInTransaction(
          (function* (): Plan<void> {
            yield* run('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)');
          })(),
        );
        await Promise.all(['a', 'b', 'c'].map((v) => conn.runInTransaction(insertAll([v]))));
        await expect(conn.runInTransaction(insertAll(['d', 'a']))).rejects.toMatchObject({
          code: 'SQLITE_CONSTRAINT_UNIQUE',
        });
        const rows = await conn.db.executeQuery(CompiledQuery.raw('SELECT v FROM t ORDER BY v'));
        expect(rows.rows).toEqual([{ v: 'a' }, { v: 'b' }, { v: 'c' }]);
      } finally {
        await conn.close();
      }
    });
  }
});
