import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedConversation, storeTargets, suiteName } from '../../test/store-fixtures';
import type { Store } from './index';

const block = (orgId: string, id: string, over: Record<string, unknown> = {}) => ({
  id,
  orgId,
  kind: 'network' as const,
  visitorId: null,
  network: '203.0.113.0/24',
  subjectHash: null,
  conversationId: null,
  reason: 'card testing',
  createdBy: 'agent-1',
  createdAt: 1000,
  expiresAt: null,
  ...over,
});

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(
    suiteName(target, 'visitor blocks store'),
    () => {
      let store: Store;
      beforeEach(async () => {
        store = await target.create();
      });
      afterEach(async () => {
        await store.close();
      });

      it('lists active blocks without the expired or lifted ones, scoped by organisation', async () => {
        const { orgId } = await seedConversation(store);
        const other = await seedConversation(store);
        await store.blocks.create(block(orgId, 'b-live'));
        await store.blocks.create(block(orgId, 'b-expiring', { expiresAt: 5000 }));
        await store.blocks.create(block(orgId, 'b-lifted'));
        await store.blocks.create(block(other.orgId, 'b-other'));
        expect(await store.blocks.lift(orgId, 'b-lifted', 'admin-1', 2000)).toBe(true);
        expect(await store.blocks.lift(orgId, 'b-lifted', 'admin-1', 2500)).toBe(false);
        expect(await store.blocks.lift(orgId, 'b-other', 'admin-1', 2500)).toBe(false);

        const at = (now: number) =>
          store.blocks.active(orgId, now).then((r) => r.map((b) => b.id).sort());
        expect(await at(4999)).toEqual(['b-expiring', 'b-live']);
        expect(await at(5000)).toEqual(['b-live']);
        const lifted = await store.blocks.byId(orgId, 'b-lifted');
        expect(lifted).toMatchObject({ liftedAt: 2000, liftedBy: 'admin-1', refused: 0 });
        expect(await store.blocks.byId(orgId, 'b-other')).toBeUndefined();
        expect((await store.blocks.list(orgId, 10)).map((b) => b.id).sort()).toEqual([
          'b-expiring',
          'b-lifted',
          'b-live',
        ]);
      });

      it('adds refused attempts to a block and keeps the latest address of a visitor', async () => {
        const { orgId, visitor } = await seedConversation(store);
        const b = await store.blocks.create(
          block(orgId, 'b-1', { kind: 'visitor', visitorId: visitor.id, network: null }),
        );
        expect(b).toMatchObject({
          kind: 'visitor',
          visitorId: visitor.id,
          expiresAt: null,
          refused: 0,
        });
        await store.blocks.addRefused(orgId, 'b-1', 7);
        await store.blocks.addRefused(orgId, 'b-1', 5);
        expect((await store.blocks.byId(orgId, 'b-1'))?.refused).toBe(12);

        expect(await store.blocks.addressOf(orgId, visitor.id)).toBeUndefined();
        await store.blocks.noteAddress(orgId, visitor.id, '198.51.100.7', 1000);
        await store.blocks.noteAddress(orgId, visitor.id, '198.51.100.9', 1001);
        expect(await store.blocks.addressOf(orgId, visitor.id)).toBe('198.51.100.9');
        expect(await store.blocks.addressOf('another-org', visitor.id)).toBeUndefined();
      });

      it('forgets the address with the visitor when the visitor is erased', async () => {
        const { orgId, visitor } = await seedConversation(store);
        await store.blocks.noteAddress(orgId, visitor.id, '198.51.100.7', 1000);
        await store.privacy.erase(orgId, { conversationIds: [], visitorIds: [visitor.id] }, 2000);
        expect(await store.blocks.addressOf(orgId, visitor.id)).toBeUndefined();
      });
    },
  );
}
