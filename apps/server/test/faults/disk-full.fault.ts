import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../src/store';
import { newVisitor, visitorSocket, type TestSocket } from '../clients';
import { startTestServer, type TestServer } from '../test-server';
import { recordFigure } from './figures';
import { checkLedger, sendUntilAcked } from './ledger';

// A small file system of the test's own: tmpfs with a size limit (needs the
// right to mount; without it the suite says so in its name and skips).
const mountPoint = mkdtempSync(join(tmpdir(), 'parley-fault-disk-'));
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mountPoint]);
const skipReason =
  mounted.status === 0
    ? undefined
    : `cannot mount a size-limited tmpfs here: ${mounted.stderr?.toString().trim() || `exit ${mounted.status}`}`;

/** Fills the file system until ENOSPC; returns the filler's path. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (let i = 0; i < 10_000; i++) writeSync(fd, chunk);
  } catch {
    // ENOSPC: full, as intended.
  } finally {
    closeSync(fd);
  }
  return path;
}

describe.skipIf(skipReason !== undefined)(
  skipReason === undefined
    ? 'fault: a full disk (SQLite on an 8 MiB tmpfs)'
    : `fault: a full disk (skipped: ${skipReason})`,
  () => {
    let store: Store;
    let t: TestServer;
    let vs: TestSocket;
    let conversationId: string;
    beforeAll(async () => {
      store = await createStore({ kind: 'sqlite', file: join(mountPoint, 'parley.db') });
      await store.migrate();
      t = await startTestServer({
        store,
        logLevel: 'warn',
        env: { PARLEY_WS_RATE_BURST: '100000', PARLEY_WS_RATE_PER_SECOND: '100000' },
      });
      const v = await newVisitor(t.url, t.orgKey);
      conversationId = v.conversationId;
      vs = await visitorSocket(t.url, v.token);
      await vs.resume(conversationId);
    });
    afterAll(async () => {
      vs?.close();
      await t?.close();
      await store?.close().catch(() => undefined);
      if (skipReason === undefined) spawnSync('umount', [mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    });

    it('regression (issue 18 finding 5): sends on a full disk get the retryable store_unavailable, not internal_error, and succeed once space is back', async () => {
      const first = await sendUntilAcked(vs, conversationId, ['before'], { retry: false });
      expect(first.acks.size).toBe(1);
      const filler = fill(mountPoint);
      // The WAL reuses pages it already has (and, since checkpoints run on their own thread, the
      // pages each checkpoint frees), so many commits can still fit: send rounds of new messages
      // until one is refused.
      const ids: string[] = [];
      const during = { acks: new Map<string, number>(), errors: new Map<string, number>() };
      for (let round = 0; during.errors.size === 0 && round < 200; round++) {
        const batch = Array.from({ length: 100 }, (_, i) => `full-${round}-${i}`);
        ids.push(...batch);
        const r = await sendUntilAcked(vs, conversationId, batch, { retry: false });
        for (const [id, seq] of r.acks) during.acks.set(id, seq);
        for (const [code, n] of r.errors)
          during.errors.set(code, (during.errors.get(code) ?? 0) + n);
      }
      expect([...during.errors.keys()]).toEqual(['store_unavailable']);
      rmSync(filler);
      const freed = Date.now();
      const after = await sendUntilAcked(
        vs,
        conversationId,
        ids.filter((id) => !during.acks.has(id)),
        { untilMs: 20_000 },
      );
      const acks = new Map([...first.acks, ...during.acks, ...after.acks]);
      expect(acks.size).toBe(ids.length + 1);
      const checked = await checkLedger(store, t.orgId, conversationId, acks);
      recordFigure('full disk (sqlite, 8 MiB tmpfs)', {
        storeUnavailableAnswers: during.errors.get('store_unavailable'),
        ackedWhileFull: during.acks.size,
        allAckedAfterFreeMs: Date.now() - freed,
        acksChecked: checked,
      });
    });
  },
);
