import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedConversation, storeTargets, suiteName } from '../../test/store-fixtures';
import type { FileInsert, Store } from './index';

function fileInput(
  orgId: string,
  conversationId: string,
  over: Partial<FileInsert> = {},
): FileInsert {
  return {
    id: randomUUID(),
    orgId,
    conversationId,
    uploaderKind: 'visitor',
    uploaderId: 'visitor-1',
    clientId: `client-${randomUUID()}`,
    batchId: 'batch-0001',
    name: 'receipt.pdf',
    size: 1234,
    mime: 'application/pdf',
    createdAt: 1000,
    ...over,
  };
}

for (const target of storeTargets()) {
  describe.skipIf(target.skipReason !== undefined)(suiteName(target, 'files store'), () => {
    let store: Store;
    beforeEach(async () => {
      store = await target.create();
    });
    afterEach(async () => {
      await store.close();
    });

    it('stores a file as checking, and the same client id again returns it instead of a second', async () => {
      const { orgId, conversation } = await seedConversation(store);
      const input = fileInput(orgId, conversation.id, { clientId: 'retry-me-0001' });
      const first = await store.files.create(input);
      expect(first.duplicate).toBe(false);
      expect(first.row).toMatchObject({
        status: 'checking',
        size: 1234,
        hasThumb: false,
        attempts: 0,
      });
      const again = await store.files.create({ ...input, id: randomUUID(), name: 'other.pdf' });
      expect(again.duplicate).toBe(true);
      expect(again.row.id).toBe(first.row.id);
      expect(again.row.name).toBe('receipt.pdf');
      expect(await store.files.listForConversation(orgId, conversation.id)).toHaveLength(1);
    });

    it('reads and lists only within the organisation', async () => {
      const a = await seedConversation(store);
      const b = await seedConversation(store);
      const f = (await store.files.create(fileInput(a.orgId, a.conversation.id))).row;
      expect(await store.files.byId(b.orgId, f.id)).toBeUndefined();
      expect(await store.files.listForConversation(b.orgId, a.conversation.id)).toEqual([]);
      expect(
        await store.files.update(b.orgId, f.id, { status: 'available', updatedAt: 2 }),
      ).toBeUndefined();
      expect((await store.files.byId(a.orgId, f.id))?.status).toBe('checking');
    });

    it('updates conditionally on the status, so a job and a retry never both settle a file', async () => {
      const { orgId, conversation } = await seedConversation(store);
      const f = (await store.files.create(fileInput(orgId, conversation.id))).row;
      const done = await store.files.update(
        orgId,
        f.id,
        { status: 'blocked', blockReason: 'malware', signature: 'Eicar-Test', updatedAt: 2000 },
        'checking',
      );
      expect(done).toMatchObject({
        status: 'blocked',
        blockReason: 'malware',
        signature: 'Eicar-Test',
      });
      expect(
        await store.files.update(orgId, f.id, { status: 'available', updatedAt: 3000 }, 'checking'),
      ).toBeUndefined();
      const img = (await store.files.create(fileInput(orgId, conversation.id))).row;
      expect(
        await store.files.update(orgId, img.id, {
          status: 'available',
          width: 640,
          height: 480,
          hasThumb: true,
          size: 999,
          mime: 'image/png',
          updatedAt: 4000,
        }),
      ).toMatchObject({ width: 640, height: 480, hasThumb: true, size: 999, mime: 'image/png' });
    });

    it('lists files due for another attempt, oldest first, and only those still checking', async () => {
      const { orgId, conversation } = await seedConversation(store);
      const late = (await store.files.create(fileInput(orgId, conversation.id, { createdAt: 500 })))
        .row;
      const early = (
        await store.files.create(fileInput(orgId, conversation.id, { createdAt: 100 }))
      ).row;
      const future = (
        await store.files.create(fileInput(orgId, conversation.id, { createdAt: 100 }))
      ).row;
      await store.files.update(orgId, future.id, {
        attempts: 1,
        nextAttemptAt: 9000,
        updatedAt: 1,
      });
      const settled = (
        await store.files.create(fileInput(orgId, conversation.id, { createdAt: 50 }))
      ).row;
      await store.files.update(orgId, settled.id, { status: 'available', updatedAt: 1 });
      expect((await store.files.due(1000, 10)).map((r) => r.id)).toEqual([early.id, late.id]);
      expect((await store.files.due(1000, 1)).map((r) => r.id)).toEqual([early.id]);
    });

    it('counts usage per uploader and per organisation since a time', async () => {
      const { orgId, conversation } = await seedConversation(store);
      await store.files.create(fileInput(orgId, conversation.id, { size: 10, createdAt: 100 }));
      await store.files.create(fileInput(orgId, conversation.id, { size: 20, createdAt: 200 }));
      await store.files.create(
        fileInput(orgId, conversation.id, {
          size: 40,
          createdAt: 300,
          uploaderId: 'agent-1',
          uploaderKind: 'agent',
        }),
      );
      expect(await store.files.usage(orgId, 150, 'visitor-1')).toEqual({ count: 1, bytes: 20 });
      expect(await store.files.usage(orgId, 0)).toEqual({ count: 3, bytes: 70 });
      expect(await store.files.usage(orgId, 1000)).toEqual({ count: 0, bytes: 0 });
    });

    it('keeps settings per organisation and replaces them', async () => {
      const { orgId } = await seedConversation(store);
      expect(await store.files.settings(orgId)).toBeUndefined();
      await store.files.putSettings(orgId, ['image/png'], 1000, 1);
      await store.files.putSettings(orgId, ['image/png', 'application/pdf'], 2000, 2);
      expect(await store.files.settings(orgId)).toEqual({
        orgId,
        allowedTypes: ['image/png', 'application/pdf'],
        maxBytes: 2000,
        updatedAt: 2,
      });
    });

    it('deletes the files of a conversation (erasure)', async () => {
      const { orgId, conversation } = await seedConversation(store);
      await store.files.create(fileInput(orgId, conversation.id));
      await store.files.create(fileInput(orgId, conversation.id));
      expect(await store.files.deleteForConversation(orgId, conversation.id)).toBe(2);
      expect(await store.files.listForConversation(orgId, conversation.id)).toEqual([]);
    });
  });
}
