import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedOrg, storeTargets, suiteName, type StoreTarget } from '../../test/store-fixtures';
import { audit } from '../modules/audit';
import { bindKeyring } from '../modules/security';
import { bindSiemChannels } from '../modules/siem';
import { AfterCommitError, StoreTransactionMisuse, createStore, type Store } from './index';

/** Makes every insert into `table` fail inside the database itself (a real failed statement). */
async function refuseInserts(store: Store, table: 'audit_log' | 'siem_outbox'): Promise<void> {
  if (store.dialect === 'sqlite') {
    await sql
      .raw(
        `CREATE TRIGGER refuse_${table} BEFORE INSERT ON ${table} BEGIN SELECT RAISE(ABORT, 'refused by test'); END`,
      )
      .execute(store.db);
    return;
  }
  await sql
    .raw(
      `CREATE FUNCTION refuse_${table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$`,
    )
    .execute(store.db);
  await sql
    .raw(
      `CREATE TRIGGER refuse_${table} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_${table}()`,
    )
    .execute(store.db);
}

const entry = (orgId: string) => ({
  orgId,
  actor: { kind: 'agent' as const, id: 'agent-1' },
  action: 'settings.payment_currencies',
  outcome: 'success' as const,
  detail: { currencies: 'CHF' },
});

/** SQLite with its writer thread (the default), SQLite inline, and PostgreSQL when configured. */
function targets(): StoreTarget[] {
  const inline: StoreTarget = {
    name: 'sqlite',
    async create() {
      const dir = mkdtempSync(join(tmpdir(), 'parley-tx-'));
      const store = await createStore({
        kind: 'sqlite',
        file: join(dir, 'chat.db'),
        writer: 'inline',
      });
      await store.migrate();
      const close = store.close.bind(store);
      return Object.assign(store, {
        close: async () => {
          await close();
          rmSync(dir, { recursive: true, force: true });
        },
      });
    },
    createNodes: () => Promise.reject(new Error('not used')),
  };
  const [sqlite, postgres] = storeTargets();
  return [sqlite!, inline, postgres!];
}

for (const [index, target] of targets().entries()) {
  const title =
    index === 1
      ? 'store.transaction on sqlite (inline writer)'
      : suiteName(target, 'store.transaction');
  describe.skipIf(target.skipReason !== undefined)(title, () => {
    let store: Store;
    let woken: number;
    beforeEach(async () => {
      store = await target.create();
      bindKeyring(store, { sealKey: randomBytes(32), auditKey: randomBytes(32) });
      woken = 0;
      bindSiemChannels(store, { channels: ['syslog'], wake: () => (woken += 1) });
    });
    afterEach(async () => {
      await store.close();
    });

    it('commits a change with its audit entry and SIEM outbox row, and runs afterCommit only once they are visible', async () => {
      const org = await seedOrg(store);
      const seenInHook: unknown[] = [];
      const e = await store.transaction(async (tx) => {
        await store.payments.setCurrencies(org.id, ['CHF'], 1, tx);
        const recorded = await audit.record(store, entry(org.id), tx);
        tx.afterCommit(async () => {
          // Read on the store itself, outside the transaction: the commit is done.
          seenInHook.push(await store.payments.currencies(org.id));
          seenInHook.push((await store.audit.byIds([recorded.id])).length);
        });
        // The exporter is woken after the commit, not before.
        expect(woken).toBe(0);
        return recorded;
      });
      expect(seenInHook).toEqual([['CHF'], 1]);
      expect(woken).toBe(1);
      expect(await store.payments.currencies(org.id)).toEqual(['CHF']);
      expect((await store.audit.list(org.id, { limit: 10 })).map((a) => a.id)).toEqual([e.id]);
      const outbox = await store.siem.claim('syslog', 'n1', Date.now(), 10_000, 10);
      expect(outbox.map((r) => [r.source, r.sourceId])).toEqual([['audit', e.id]]);
    });

    it('rolls the change back when the audit insert fails, and runs no afterCommit hook', async () => {
      const org = await seedOrg(store);
      await store.payments.setCurrencies(org.id, ['EUR'], 1);
      await refuseInserts(store, 'audit_log');
      let hooks = 0;
      await expect(
        store.transaction(async (tx) => {
          tx.afterCommit(() => (hooks += 1));
          await store.payments.setCurrencies(org.id, ['CHF'], 2, tx);
          await audit.record(store, entry(org.id), tx);
        }),
      ).rejects.toThrow(/refused by test/);
      expect(await store.payments.currencies(org.id)).toEqual(['EUR']);
      expect(await store.audit.list(org.id, { limit: 10 })).toEqual([]);
      expect(hooks).toBe(0);
      expect(woken).toBe(0);
    });

    it('rolls the change and the audit entry back when the SIEM outbox insert fails', async () => {
      const org = await seedOrg(store);
      await refuseInserts(store, 'siem_outbox');
      await expect(
        store.transaction(async (tx) => {
          await store.payments.setCurrencies(org.id, ['CHF'], 2, tx);
          await audit.record(store, entry(org.id), tx);
        }),
      ).rejects.toThrow(/refused by test/);
      expect(await store.payments.currencies(org.id)).toBeUndefined();
      expect(await store.audit.list(org.id, { limit: 10 })).toEqual([]);
    });

    it('rolls back when the callback throws after its writes', async () => {
      const org = await seedOrg(store);
      await expect(
        store.transaction(async (tx) => {
          await store.payments.setCurrencies(org.id, ['CHF'], 2, tx);
          await audit.record(store, entry(org.id), tx);
          throw new Error('business rule refused');
        }),
      ).rejects.toThrow('business rule refused');
      expect(await store.payments.currencies(org.id)).toBeUndefined();
      expect(await store.audit.list(org.id, { limit: 10 })).toEqual([]);
    });

    it('does not commit earlier writes when a failed statement was swallowed by the callback', async () => {
      const org = await seedOrg(store);
      await refuseInserts(store, 'audit_log');
      await expect(
        store.transaction(async (tx) => {
          await store.payments.setCurrencies(org.id, ['CHF'], 2, tx);
          await audit.record(store, entry(org.id), tx).catch(() => undefined);
          return 'pretends all went well';
        }),
      ).rejects.toThrow();
      expect(await store.payments.currencies(org.id)).toBeUndefined();
    });

    it('chains audit entries written in concurrent transactions without a fork', async () => {
      const org = await seedOrg(store);
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.transaction(async (tx) => {
            await store.payments.setCurrencies(org.id, [`C${String(i).padStart(2, '0')}`], i, tx);
            await audit.record(store, entry(org.id), tx);
          }),
        ),
      );
      const chain = await store.audit.chain(org.id, 0, 100);
      expect(chain.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      for (let i = 1; i < chain.length; i++) expect(chain[i]!.prevHash).toBe(chain[i - 1]!.hash);
    });

    it('refuses a nested transaction instead of waiting for itself', async () => {
      await expect(
        store.transaction(() => store.transaction(() => Promise.resolve(1))),
      ).rejects.toBeInstanceOf(StoreTransactionMisuse);
    });

    it('reports a failed afterCommit hook as committed', async () => {
      const org = await seedOrg(store);
      const failure = await store
        .transaction(async (tx) => {
          await store.payments.setCurrencies(org.id, ['CHF'], 2, tx);
          tx.afterCommit(() => {
            throw new Error('bus down');
          });
        })
        .catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(AfterCommitError);
      expect((failure as AfterCommitError).committed).toBe(true);
      expect(await store.payments.currencies(org.id)).toEqual(['CHF']);
    });

    it.runIf(target.name === 'sqlite')(
      'fails at once on a query sent around the transaction (it would wait for the turn the transaction holds)',
      async () => {
        const org = await seedOrg(store);
        await expect(
          store.transaction(async (tx) => {
            await store.payments.setCurrencies(org.id, ['CHF'], 2, tx);
            await store.payments.currencies(org.id);
          }),
        ).rejects.toBeInstanceOf(StoreTransactionMisuse);
        expect(await store.payments.currencies(org.id)).toBeUndefined();
      },
    );
  });
}
