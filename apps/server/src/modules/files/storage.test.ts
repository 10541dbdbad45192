import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiskStorage } from './disk';
import { createS3Storage } from './s3';
import { storageKey, type FileStorage } from './storage';

// s3rver (CommonJS, no bundled types): the part this test uses.
const S3rver = createRequire(import.meta.url)('s3rver') as new (opts: Record<string, unknown>) => {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
};

const ctx = { orgId: 'org_1', conversationId: 'conv-1', fileId: 'file-1' };

// The same suite against every driver (CONVENTIONS.md "Drivers behind an interface").
const drivers: {
  name: string;
  open(): Promise<{ storage: FileStorage; close(): Promise<void> }>;
}[] = [
  {
    name: 'disk (data directory)',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'parley-files-'));
      return {
        storage: createDiskStorage(join(dir, 'files')),
        close: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 's3 (s3rver, a local S3-compatible server, through @aws-sdk/client-s3)',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'parley-s3-'));
      const s3 = new S3rver({
        port: 0,
        address: '127.0.0.1',
        silent: true,
        directory: dir,
        configureBuckets: [{ name: 'parley-files', configs: [] }],
      });
      const addr = await s3.run();
      return {
        storage: createS3Storage({
          bucket: 'parley-files',
          endpoint: `http://127.0.0.1:${addr.port}`,
          region: 'us-east-1',
          accessKeyId: 'S3RVER',
          secretAccessKey: 'S3RVER',
          prefix: 'chat/',
          timeoutMs: 5000,
        }),
        close: async () => {
          await s3.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
];

for (const driver of drivers) {
  describe(`file storage: ${driver.name}`, () => {
    let storage: FileStorage;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ storage, close } = await driver.open());
    });
    afterAll(async () => close());

    it('puts, gets and deletes bytes by key; a missing key is undefined, deleting it is fine', async () => {
      const key = storageKey(ctx, 'original');
      const bytes = Buffer.from([0, 1, 2, 250, 255]);
      await storage.put(key, bytes);
      expect((await storage.get(key))?.equals(bytes)).toBe(true);
      await storage.put(key, Buffer.from('replaced'));
      expect((await storage.get(key))?.toString()).toBe('replaced');
      await storage.delete(key);
      expect(await storage.get(key)).toBeUndefined();
      await storage.delete(key);
      expect(await storage.get(storageKey(ctx, 'thumb'))).toBeUndefined();
    });

    it('refuses keys it did not build (no path traversal)', async () => {
      await expect(storage.put('../../etc/passwd', Buffer.from('x'))).rejects.toThrow(
        /invalid storage key/,
      );
      await expect(storage.get('org/conv/../x.original')).rejects.toThrow(/invalid storage key/);
    });
  });
}

describe('disk storage permissions', () => {
  it('writes files 0600 in directories 0700', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-files-'));
    try {
      const root = join(dir, 'files');
      const storage = createDiskStorage(root);
      await storage.put(storageKey(ctx, 'incoming'), Buffer.from('x'));
      expect(statSync(root).mode & 0o777).toBe(0o700);
      expect(statSync(join(root, 'org_1')).mode & 0o777).toBe(0o700);
      expect(statSync(join(root, 'org_1', 'conv-1')).mode & 0o777).toBe(0o700);
      expect(statSync(join(root, 'org_1', 'conv-1', 'file-1.incoming')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
