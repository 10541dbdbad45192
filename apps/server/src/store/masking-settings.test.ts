import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedOrg, storeTargets, suiteName } from '../../test/store-fixtures';
import type { Store } from './index';

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(
    suiteName(target, 'masking settings store'),
    () => {
      let store: Store;
      beforeEach(async () => {
        store = await target.create();
      });
      afterEach(async () => {
        await store.close();
      });

      it('has nothing for an organisation that never saved settings', async () => {
        const org = await seedOrg(store);
        expect(await store.maskingSettings.get(org.id)).toBeUndefined();
      });

      it('stores, replaces and versions the document, per organisation', async () => {
        const a = await seedOrg(store);
        const b = await seedOrg(store);
        const first = await store.maskingSettings.put(a.id, '{"panDisplay":"none"}', null, 1000);
        expect(first).toEqual({
          orgId: a.id,
          settings: '{"panDisplay":"none"}',
          version: 1,
          updatedAt: 1000,
          updatedBy: null,
        });
        const second = await store.maskingSettings.put(
          a.id,
          '{"panDisplay":"bin_last4"}',
          'agent-1',
          2000,
        );
        expect(second).toEqual({
          orgId: a.id,
          settings: '{"panDisplay":"bin_last4"}',
          version: 2,
          updatedAt: 2000,
          updatedBy: 'agent-1',
        });
        expect(await store.maskingSettings.get(a.id)).toEqual(second);
        expect(await store.maskingSettings.get(b.id)).toBeUndefined();
      });
    },
  );
}
