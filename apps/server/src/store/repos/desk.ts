import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { CannedRepliesTable, CannedReplyRow, Database, DeskRepo, NoteRow } from '../types';
import type { DataKeys } from '../data-keys';
import { ERASED_TEXT } from './messages';
import { participantsRepo } from './desk-participants';
import { readsRepo } from './desk-reads';

// PostgreSQL returns bigint as a string.
function toCanned(r: Selectable<CannedRepliesTable>): CannedReplyRow {
  return {
    id: r.id,
    orgId: r.org_id,
    teamId: r.scope === '' ? null : r.scope,
    shortcut: r.shortcut,
    title: r.title,
    body: r.body,
    masked: JSON.parse(r.masked) as string[],
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

/**
 * Notes are conversation content: their text is sealed under the conversation's
 * data key like its messages (DESIGN.md law 9), so erasing the conversation
 * shreds them too.
 */
export function deskRepo(db: Kysely<Database>, keys: DataKeys): DeskRepo {
  const selectNotes = () =>
    db
      .selectFrom('conversation_notes as n')
      .leftJoin('agents as a', (j) =>
        j.onRef('a.id', '=', 'n.author_id').onRef('a.org_id', '=', 'n.org_id'),
      )
      .select([
        'n.id',
        'n.org_id',
        'n.conversation_id',
        'n.author_id',
        'a.name as author_name',
        'n.client_id',
        'n.text',
        'n.masked',
        'n.created_at',
      ]);
  type Selected = Awaited<ReturnType<ReturnType<typeof selectNotes>['executeTakeFirstOrThrow']>>;
  const openNotes = async (rows: Selected[]): Promise<NoteRow[]> => {
    const texts = await keys.openMany(rows.map((r) => r.text));
    return rows.map((r, i) => ({ ...toNote(r), text: texts[i] ?? ERASED_TEXT }));
  };
  const toNote = (r: Selected): NoteRow => ({
    id: r.id,
    orgId: r.org_id,
    conversationId: r.conversation_id,
    authorId: r.author_id,
    authorName: r.author_name,
    clientId: r.client_id,
    text: r.text,
    masked: JSON.parse(r.masked) as string[],
    createdAt: Number(r.created_at),
  });
  const cannedById = async (orgId: string, id: string) => {
    const r = await db
      .selectFrom('canned_replies')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r && toCanned(r);
  };

  return {
    ...participantsRepo(db),
    ...readsRepo(db),
    async addNote(input) {
      const id = randomUUID();
      const [sealed] = await keys.sealMany([
        {
          owner: { orgId: input.orgId, kind: 'conversation', id: input.conversationId },
          plain: input.text,
        },
      ]);
      if (sealed === undefined) throw new Error('desk: note not sealed');
      await db
        .insertInto('conversation_notes')
        .values({
          id,
          org_id: input.orgId,
          conversation_id: input.conversationId,
          author_id: input.authorId,
          client_id: input.clientId,
          text: sealed,
          masked: JSON.stringify(input.masked),
          created_at: input.now,
        })
        .onConflict((oc) => oc.columns(['org_id', 'author_id', 'client_id']).doNothing())
        .execute();
      const row = await selectNotes()
        .where('n.org_id', '=', input.orgId)
        .where('n.author_id', '=', input.authorId)
        .where('n.client_id', '=', input.clientId)
        .executeTakeFirstOrThrow();
      const [note] = await openNotes([row]);
      if (!note) throw new Error('desk: note not found');
      return { note, duplicate: row.id !== id };
    },
    async notes(orgId, conversationId) {
      const rows = await selectNotes()
        .where('n.org_id', '=', orgId)
        .where('n.conversation_id', '=', conversationId)
        .orderBy('n.created_at')
        .orderBy('n.id')
        .limit(1000)
        .execute();
      return openNotes(rows);
    },
    async cannedList(orgId) {
      const rows = await db
        .selectFrom('canned_replies')
        .selectAll()
        .where('org_id', '=', orgId)
        .orderBy('shortcut')
        .limit(2000)
        .execute();
      return rows.map(toCanned);
    },
    cannedById,
    async cannedCreate(input) {
      const id = randomUUID();
      await db
        .insertInto('canned_replies')
        .values({
          id,
          org_id: input.orgId,
          scope: input.teamId ?? '',
          shortcut: input.shortcut,
          title: input.title,
          body: input.body,
          masked: JSON.stringify(input.masked),
          created_by: input.createdBy,
          created_at: input.now,
          updated_at: input.now,
        })
        .onConflict((oc) => oc.columns(['org_id', 'scope', 'shortcut']).doNothing())
        .execute();
      return cannedById(input.orgId, id);
    },
    async cannedUpdate(orgId, id, patch) {
      const current = await cannedById(orgId, id);
      if (!current) return undefined;
      const clash = await db
        .selectFrom('canned_replies')
        .select('id')
        .where('org_id', '=', orgId)
        .where('scope', '=', current.teamId ?? '')
        .where('shortcut', '=', patch.shortcut)
        .where('id', '!=', id)
        .executeTakeFirst();
      if (clash) return 'taken';
      try {
        await db
          .updateTable('canned_replies')
          .set({
            shortcut: patch.shortcut,
            title: patch.title,
            body: patch.body,
            masked: JSON.stringify(patch.masked),
            updated_at: patch.now,
          })
          .where('org_id', '=', orgId)
          .where('id', '=', id)
          .execute();
      } catch (err) {
        // Two renames to one shortcut at once: the unique constraint decides.
        const code = (err as { code?: unknown }).code;
        if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE') return 'taken';
        throw err;
      }
      return cannedById(orgId, id);
    },
    async cannedDelete(orgId, id) {
      const r = await db
        .deleteFrom('canned_replies')
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r.numDeletedRows > 0n;
    },
  };
}
