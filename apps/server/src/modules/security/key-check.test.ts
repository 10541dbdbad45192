import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeTargets, suiteName } from '../../../test/store-fixtures';
import { startTestServer } from '../../../test/test-server';
import type { Store } from '../../store';
import {
  assertInstallationKeys,
  keyFingerprint,
  keysDifferingFromInstallation,
  KeyMismatchError,
} from './key-check';

const keys = () => ({ data: [randomBytes(32)], audit: randomBytes(32), secrets: randomBytes(32) });

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(
    suiteName(target, 'every node holds the installation’s keys'),
    () => {
      let store: Store;
      beforeEach(async () => {
        store = await target.create();
      });
      afterEach(async () => {
        await store.close();
      });

      it('records the first node’s keys and lets a node with the same keys start', async () => {
        const k = keys();
        await assertInstallationKeys(store, k);
        await assertInstallationKeys(store, k);
        const recorded = await store.installationKeys.all();
        expect(recorded).toEqual({
          data: keyFingerprint(k.data[0]!),
          audit: keyFingerprint(k.audit),
          secrets: keyFingerprint(k.secrets),
        });
        // The fingerprint is not the key.
        expect(JSON.stringify(recorded)).not.toContain(k.audit.toString('hex').slice(0, 16));
      });

      it('refuses a node whose audit or secrets key differs, naming the settings', async () => {
        const k = keys();
        await assertInstallationKeys(store, k);
        const other = { ...k, audit: randomBytes(32), secrets: randomBytes(32) };
        const err = await assertInstallationKeys(store, other).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(KeyMismatchError);
        expect((err as KeyMismatchError).keys).toEqual([
          'PARLEY_AUDIT_KEY (or audit.key)',
          'PARLEY_SECRETS_KEY (or secrets.key)',
        ]);
        expect((await keysDifferingFromInstallation(store, other)).differing).toHaveLength(2);
        expect((await keysDifferingFromInstallation(store, k)).differing).toEqual([]);
      });

      it('accepts a data key rotation (old key as previous), then refuses the old key alone', async () => {
        const k = keys();
        await assertInstallationKeys(store, k);
        const rotated = { ...k, data: [randomBytes(32), k.data[0]!] };
        await assertInstallationKeys(store, rotated);
        expect((await store.installationKeys.all()).data).toBe(keyFingerprint(rotated.data[0]!));
        await expect(assertInstallationKeys(store, k)).rejects.toThrow(/PARLEY_DATA_KEY/);
        await expect(
          assertInstallationKeys(store, { ...k, data: [randomBytes(32)] }),
        ).rejects.toThrow(/PARLEY_DATA_KEY/);
      });

      it('stops a server node that was given another audit key, before it serves', async () => {
        const first = await startTestServer({ store, logLevel: 'warn' });
        try {
          await expect(
            startTestServer({
              store,
              org: { org: (await store.orgs.byKey(first.orgKey))!, admin: first.admin },
              logLevel: 'warn',
              env: { PARLEY_AUDIT_KEY: randomBytes(32).toString('hex') },
            }),
          ).rejects.toThrow(/PARLEY_AUDIT_KEY/);
        } finally {
          await first.close();
        }
      });
    },
  );
}
