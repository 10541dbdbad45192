import type { Kysely, Selectable } from 'kysely';
import type { Database, FileRow, FilesRepo, FilesTable } from '../types';

// PostgreSQL returns bigint as a string.
function toRow(r: Selectable<FilesTable>): FileRow {
  return {
    id: r.id,
    orgId: r.org_id,
    conversationId: r.conversation_id,
    uploaderKind: r.uploader_kind,
    uploaderId: r.uploader_id,
    clientId: r.client_id,
    batchId: r.batch_id,
    name: r.name,
    size: Number(r.size),
    mime: r.mime,
    status: r.status,
    blockReason: r.block_reason,
    signature: r.signature,
    width: r.width === null ? null : Number(r.width),
    height: r.height === null ? null : Number(r.height),
    hasThumb: Number(r.has_thumb) === 1,
    attempts: Number(r.attempts),
    nextAttemptAt: Number(r.next_attempt_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function filesRepo(db: Kysely<Database>): FilesRepo {
  const byId = async (orgId: string, id: string) => {
    const r = await db
      .selectFrom('files')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r && toRow(r);
  };
  return {
    byId,
    async create(input) {
      const inserted = await db
        .insertInto('files')
        .values({
          id: input.id,
          org_id: input.orgId,
          conversation_id: input.conversationId,
          uploader_kind: input.uploaderKind,
          uploader_id: input.uploaderId,
          client_id: input.clientId,
          batch_id: input.batchId,
          name: input.name,
          size: input.size,
          mime: input.mime,
          status: 'checking',
          block_reason: null,
          signature: null,
          width: null,
          height: null,
          has_thumb: 0,
          attempts: 0,
          next_attempt_at: input.createdAt,
          created_at: input.createdAt,
          updated_at: input.createdAt,
        })
        .onConflict((oc) => oc.columns(['org_id', 'uploader_id', 'client_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      const row = await db
        .selectFrom('files')
        .selectAll()
        .where('org_id', '=', input.orgId)
        .where('uploader_id', '=', input.uploaderId)
        .where('client_id', '=', input.clientId)
        .executeTakeFirstOrThrow();
      return { row: toRow(row), duplicate: inserted === undefined };
    },
    async listForConversation(orgId, conversationId) {
      const rows = await db
        .selectFrom('files')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('conversation_id', '=', conversationId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toRow);
    },
    async update(orgId, id, patch, onlyIf) {
      const set: Partial<FilesTable> = { updated_at: patch.updatedAt };
      if (patch.status !== undefined) set.status = patch.status;
      if (patch.blockReason !== undefined) set.block_reason = patch.blockReason;
      if (patch.signature !== undefined) set.signature = patch.signature;
      if (patch.mime !== undefined) set.mime = patch.mime;
      if (patch.size !== undefined) set.size = patch.size;
      if (patch.width !== undefined) set.width = patch.width;
      if (patch.height !== undefined) set.height = patch.height;
      if (patch.hasThumb !== undefined) set.has_thumb = patch.hasThumb ? 1 : 0;
      if (patch.attempts !== undefined) set.attempts = patch.attempts;
      if (patch.nextAttemptAt !== undefined) set.next_attempt_at = patch.nextAttemptAt;
      let q = db.updateTable('files').set(set).where('org_id', '=', orgId).where('id', '=', id);
      if (onlyIf) q = q.where('status', '=', onlyIf);
      const r = await q.executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return undefined;
      return byId(orgId, id);
    },
    async due(now, limit) {
      const rows = await db
        .selectFrom('files')
        .selectAll()
        .where('status', '=', 'checking')
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .limit(limit)
        .execute();
      return rows.map(toRow);
    },
    async usage(orgId, since, uploaderId) {
      let q = db
        .selectFrom('files')
        .select((eb) => [eb.fn.countAll().as('count'), eb.fn.sum('size').as('bytes')])
        .where('org_id', '=', orgId)
        .where('created_at', '>=', since);
      if (uploaderId !== undefined) q = q.where('uploader_id', '=', uploaderId);
      const r = await q.executeTakeFirst();
      return { count: Number(r?.count ?? 0), bytes: Number(r?.bytes ?? 0) };
    },
    async settings(orgId) {
      const r = await db
        .selectFrom('file_settings')
        .selectAll()
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      if (!r) return undefined;
      return {
        orgId: r.org_id,
        allowedTypes: JSON.parse(r.allowed_types) as string[],
        maxBytes: Number(r.max_bytes),
        updatedAt: Number(r.updated_at),
      };
    },
    async putSettings(orgId, allowedTypes, maxBytes, now) {
      const json = JSON.stringify(allowedTypes);
      await db
        .insertInto('file_settings')
        .values({ org_id: orgId, allowed_types: json, max_bytes: maxBytes, updated_at: now })
        .onConflict((oc) =>
          oc
            .column('org_id')
            .doUpdateSet({ allowed_types: json, max_bytes: maxBytes, updated_at: now }),
        )
        .execute();
    },
    async deleteForConversation(orgId, conversationId) {
      const r = await db
        .deleteFrom('files')
        .where('org_id', '=', orgId)
        .where('conversation_id', '=', conversationId)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
