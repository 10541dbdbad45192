import type { CompiledQuery } from 'kysely';
import type { Connection, Plan } from '../connect';
import type { DataKeys } from '../data-keys';
import type { Store } from '../types';

function* run(query: { compile(): CompiledQuery }): Plan<unknown[]> {
  return yield query.compile();
}

/**
 * Erasure (issue 12 items 3 and 6): in one transaction the owners' data keys are deleted
 * (crypto-shredding: every copy of their ciphertexts, backups included, stays unreadable), the
 * messages, file rows and masking state go, the conversations are closed and the visitor keeps no name and
 * no valid token. Conversation rows stay, without content, so counts add up.
 */
export function privacyRepo(conn: Connection, keys: DataKeys): Store['privacy'] {
  const db = conn.db;
  return {
    async conversationsOf(orgId, visitorId) {
      const rows = await db
        .selectFrom('conversations')
        .select('id')
        .where('org_id', '=', orgId)
        .where('visitor_id', '=', visitorId)
        .execute();
      return rows.map((r) => r.id);
    },
    async erase(orgId, target, now, tx) {
      const { conversationIds, visitorIds } = target;
      function* plan(): Plan<{ keys: number; messages: number; files: number }> {
        let destroyed = 0;
        let messages = 0;
        let files = 0;
        if (conversationIds.length > 0) {
          destroyed += (yield* run(
            db
              .deleteFrom('data_keys')
              .where('org_id', '=', orgId)
              .where('owner_kind', '=', 'conversation')
              .where('owner_id', 'in', conversationIds)
              .returning('id'),
          )).length;
          messages = (yield* run(
            db
              .deleteFrom('messages')
              .where('org_id', '=', orgId)
              .where('conversation_id', 'in', conversationIds)
              .returning('id'),
          )).length;
          // The blind index (0112): the erased conversations are no longer found by their words.
          yield* run(
            db
              .deleteFrom('search_terms')
              .where('org_id', '=', orgId)
              .where('conversation_id', 'in', conversationIds),
          );
          // File rows go in the same transaction; their bytes were deleted just before (privacy/service.ts).
          files = (yield* run(
            db
              .deleteFrom('files')
              .where('org_id', '=', orgId)
              .where('conversation_id', 'in', conversationIds)
              .returning('id'),
          )).length;
          yield* run(
            db
              .deleteFrom('mask_state')
              .where('org_id', '=', orgId)
              .where('conversation_id', 'in', conversationIds),
          );
          // The chat's copy of a payment keeps its summary; the agent's description may name the
          // person (the vault anonymises its own record the same way).
          yield* run(
            db
              .updateTable('payments')
              .set({ description: '' })
              .where('org_id', '=', orgId)
              .where('conversation_id', 'in', conversationIds),
          );
          yield* run(
            db
              .updateTable('conversations')
              .set({ status: 'closed', closed_at: now, updated_at: now })
              .where('org_id', '=', orgId)
              .where('id', 'in', conversationIds)
              .where('status', '!=', 'closed'),
          );
        }
        if (visitorIds.length > 0) {
          destroyed += (yield* run(
            db
              .deleteFrom('data_keys')
              .where('org_id', '=', orgId)
              .where('owner_kind', '=', 'visitor')
              .where('owner_id', 'in', visitorIds)
              .returning('id'),
          )).length;
          yield* run(
            db
              .updateTable('visitors')
              .set({ name: null, revoked_at: now })
              .where('org_id', '=', orgId)
              .where('id', 'in', visitorIds),
          );
          yield* run(
            db
              .deleteFrom('visitor_mask_state')
              .where('org_id', '=', orgId)
              .where('visitor_id', 'in', visitorIds),
          );
          // The visitor's last address (0055) goes with the visitor.
          yield* run(
            db
              .deleteFrom('visitor_addresses')
              .where('org_id', '=', orgId)
              .where('visitor_id', 'in', visitorIds),
          );
        }
        return { keys: destroyed, messages, files };
      }
      const evict = () =>
        keys.evict([
          ...conversationIds.map((id) => ({ kind: 'conversation' as const, id })),
          ...visitorIds.map((id) => ({ kind: 'visitor' as const, id })),
        ]);
      // In the caller's transaction (with its audit entry), the cached keys go once it commits.
      const result = tx ? await tx.run(plan()) : await conn.runInTransaction(plan());
      if (tx) tx.afterCommit(evict);
      else evict();
      return { ...result, conversations: conversationIds.length, visitors: visitorIds.length };
    },
  };
}
