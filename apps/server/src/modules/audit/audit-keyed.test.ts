import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry, Store } from '../../store';
import { seedOrg, storeTargets, suiteName } from '../../../test/store-fixtures';
import { bindKeyring } from '../security';
import { legacyEntryHash } from './chain';
import { readCheckpoints, writeCheckpoints } from './checkpoint';
import { record } from './service';
import { verifyAudit } from './verify';

const row = (e: AuditEntry) => ({
  org_id: e.orgId,
  seq: e.seq,
  id: e.id,
  at: e.at,
  actor_kind: e.actorKind,
  actor_id: e.actorId,
  action: e.action,
  outcome: e.outcome,
  ip: e.ip,
  resource_type: e.resourceType,
  resource_id: e.resourceId,
  detail: e.detail,
  prev_hash: e.prevHash,
  hash: e.hash,
});

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(
    suiteName(target, 'keyed, anchored audit chain (issue 10 finding 5)'),
    () => {
      let store: Store;
      let orgId: string;
      const auditKey = randomBytes(32);
      let opts: { auditKey: Buffer; checkpointFile: string };
      beforeEach(async () => {
        store = await target.create();
        bindKeyring(store, { sealKey: randomBytes(32), auditKey });
        opts = {
          auditKey,
          checkpointFile: join(mkdtempSync(join(tmpdir(), 'parley-cp-')), 'cp.jsonl'),
        };
        orgId = (await seedOrg(store)).id;
        for (let i = 0; i < 6; i++)
          await record(store, {
            orgId,
            actor: { kind: 'system', id: null },
            action: 'test.entry',
            outcome: 'success',
            detail: { i },
          });
      });
      afterEach(async () => {
        await store.close();
      });

      it('regression: deleting an entry and re-hashing the rest without the key is detected', async () => {
        expect(await verifyAudit(store, opts)).toMatchObject({ ok: true, entries: 6 });
        // The attack of finding 5: delete entry 3, renumber and re-hash 4..6 with the public algorithm.
        const chain = await store.audit.chain(orgId, 0, 100);
        await store.db
          .deleteFrom('audit_log')
          .where('org_id', '=', orgId)
          .where('seq', '>=', 3)
          .execute();
        let prev = chain[1]!.hash;
        const rewritten = chain.slice(3).map((e, i) => {
          const moved = { ...e, seq: 3 + i, prevHash: prev };
          const { hash: _h, ...rest } = moved;
          prev = legacyEntryHash(rest);
          return { ...moved, hash: prev };
        });
        await store.db.insertInto('audit_log').values(rewritten.map(row)).execute();
        const report = await verifyAudit(store, opts);
        expect(report.ok).toBe(false);
        expect(report.problems.map((p) => p.problem)).toContain('edited');
      });

      it('regression: deleting the newest entries is caught by the signed checkpoint', async () => {
        expect(await writeCheckpoints(store, auditKey, opts.checkpointFile)).toBe(1);
        await store.db
          .deleteFrom('audit_log')
          .where('org_id', '=', orgId)
          .where('seq', '>', 4)
          .execute();
        const report = await verifyAudit(store, opts);
        expect(report.ok).toBe(false);
        expect(report.problems).toEqual([
          expect.objectContaining({ problem: 'truncated', seq: 5 }),
        ]);
        expect(report.problems[0]?.message).toMatch(/entries 5–6 were deleted/);
      });

      it('detects an edit, a reordering and a forged checkpoint; the wrong key verifies nothing', async () => {
        await writeCheckpoints(store, auditKey, opts.checkpointFile);
        await store.db
          .updateTable('audit_log')
          .set({ action: 'test.forged' })
          .where('org_id', '=', orgId)
          .where('seq', '=', 2)
          .execute();
        const edited = await verifyAudit(store, opts);
        expect(edited.problems).toEqual([expect.objectContaining({ seq: 2, problem: 'edited' })]);

        const [e4, e5] = await store.audit.chain(orgId, 3, 2);
        await store.db
          .deleteFrom('audit_log')
          .where('org_id', '=', orgId)
          .where('seq', 'in', [4, 5])
          .execute();
        await store.db
          .insertInto('audit_log')
          .values([row({ ...e5!, seq: 4 }), row({ ...e4!, seq: 5 })])
          .execute();
        const reordered = await verifyAudit(store, opts);
        expect(reordered.problems.map((p) => p.seq)).toEqual(expect.arrayContaining([4, 5]));

        const { checkpoints } = readCheckpoints(opts.checkpointFile, auditKey);
        expect(checkpoints).toHaveLength(1);
        const wrongKey = await verifyAudit(store, { ...opts, auditKey: randomBytes(32) });
        expect(wrongKey.problems.filter((p) => p.problem === 'edited')).toHaveLength(6);
        expect(wrongKey.problems.some((p) => p.problem === 'checkpoint')).toBe(true);
      });
    },
  );
}
