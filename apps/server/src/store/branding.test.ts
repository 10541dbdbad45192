import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedOrg, storeTargets, suiteName } from '../../test/store-fixtures';
import type { Store } from './index';

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(suiteName(target, 'branding store'), () => {
    let store: Store;
    beforeEach(async () => {
      store = await target.create();
    });
    afterEach(async () => {
      await store.close();
    });

    it('has nothing for an organisation that never saved branding', async () => {
      const org = await seedOrg(store);
      expect(await store.branding.get(org.id)).toBeUndefined();
    });

    it('stores, replaces and versions the document per organisation, inside a transaction too', async () => {
      const a = await seedOrg(store);
      const b = await seedOrg(store);
      const first = await store.branding.put(a.id, '{"colour":"#1d4ed8"}', null, 1000);
      expect(first).toEqual({
        orgId: a.id,
        settings: '{"colour":"#1d4ed8"}',
        version: 1,
        updatedAt: 1000,
        updatedBy: null,
      });
      const second = await store.transaction((tx) =>
        store.branding.put(a.id, '{"colour":"#000000"}', 'agent-1', 2000, tx),
      );
      expect(second).toMatchObject({ version: 2, updatedAt: 2000, updatedBy: 'agent-1' });
      expect(await store.branding.get(a.id)).toEqual(second);
      expect(await store.branding.get(b.id)).toBeUndefined();
    });

    it('is rolled back with the transaction it was written in', async () => {
      const org = await seedOrg(store);
      await expect(
        store.transaction(async (tx) => {
          await store.branding.put(org.id, '{}', null, 1000, tx);
          throw new Error('audit failed');
        }),
      ).rejects.toThrow('audit failed');
      expect(await store.branding.get(org.id)).toBeUndefined();
    });
  });
}
