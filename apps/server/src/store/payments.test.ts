import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  seedAgent,
  seedConversation,
  seedOrg,
  storeTargets,
  suiteName,
} from '../../test/store-fixtures';
import type { PaymentUpsert, Store } from './index';

function payment(
  orgId: string,
  conversationId: string,
  over: Partial<PaymentUpsert> = {},
): PaymentUpsert {
  return {
    id: 'pay_test_1',
    orgId,
    conversationId,
    status: 'created',
    amount: 1250,
    currency: 'EUR',
    description: 'Order 1042',
    amountRefunded: 0,
    brand: null,
    last4: null,
    gatewayReference: null,
    failureMessage: null,
    vaultVersion: 1,
    createdAt: 1000,
    updatedAt: 1000,
    ...over,
  };
}

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(suiteName(target, 'payments store'), () => {
    let store: Store;
    beforeEach(async () => {
      store = await target.create();
    });
    afterEach(async () => {
      await store.close();
    });

    it('inserts a payment, applies only higher versions, and keeps who asked for it', async () => {
      const org = await seedOrg(store);
      const agent = await seedAgent(store, org.id);
      const { conversation: conv } = await seedConversation(store, org.id);
      const first = await store.payments.upsert(payment(org.id, conv.id), agent.id);
      expect(first).toMatchObject({
        changed: true,
        row: { status: 'created', amount: 1250, createdBy: agent.id, vaultVersion: 1 },
      });

      const paid = payment(org.id, conv.id, {
        status: 'succeeded',
        brand: 'visa',
        last4: '4242',
        gatewayReference: 'test_ch_1',
        vaultVersion: 3,
        updatedAt: 3000,
      });
      expect((await store.payments.upsert(paid)).row).toMatchObject({
        status: 'succeeded',
        last4: '4242',
        createdBy: agent.id,
        vaultVersion: 3,
      });
      // An older event arriving late changes nothing.
      const stale = await store.payments.upsert(
        payment(org.id, conv.id, { status: 'opened', vaultVersion: 2 }),
      );
      expect(stale.changed).toBe(false);
      expect(stale.row.status).toBe('succeeded');
      // The same version again (a repeated event) changes nothing either.
      expect((await store.payments.upsert(paid)).changed).toBe(false);
      expect(await store.payments.listForConversation(org.id, conv.id)).toHaveLength(1);
    });

    it('scopes by organisation: another organisation neither reads nor overwrites a payment', async () => {
      const org = await seedOrg(store);
      const other = await seedOrg(store);
      const { conversation: conv } = await seedConversation(store, org.id);
      await store.payments.upsert(payment(org.id, conv.id));
      expect(await store.payments.byId(other.id, 'pay_test_1')).toBeUndefined();
      expect(await store.payments.listForConversation(other.id, conv.id)).toEqual([]);
      await expect(
        store.payments.upsert(payment(other.id, conv.id, { status: 'canceled', vaultVersion: 9 })),
      ).rejects.toThrow();
      expect((await store.payments.byId(org.id, 'pay_test_1'))?.status).toBe('created');
    });

    it('remembers vault event ids and per-organisation currencies', async () => {
      const org = await seedOrg(store);
      expect(await store.payments.markEventSeen('evt_1', 'pay_1', 1)).toBe(true);
      expect(await store.payments.markEventSeen('evt_1', 'pay_1', 2)).toBe(false);
      expect(await store.payments.currencies(org.id)).toBeUndefined();
      await store.payments.setCurrencies(org.id, ['EUR', 'CHF'], 1);
      await store.payments.setCurrencies(org.id, ['CHF'], 2);
      expect(await store.payments.currencies(org.id)).toEqual(['CHF']);
    });
  });
}
