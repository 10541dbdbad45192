import type { Kysely, Selectable } from 'kysely';
import type { ConversationRatingsTable, Database, FeedbackRepo, RatingRow } from '../types';
import type { DataKeys } from '../data-keys';

/** Ratings: the comment is conversation content, sealed under its data key (DESIGN.md law 9). */
export function feedbackRepo(db: Kysely<Database>, keys: DataKeys): FeedbackRepo {
  const toRating = async (r: Selectable<ConversationRatingsTable>): Promise<RatingRow> => {
    const [comment] = r.comment === null ? [null] : await keys.openMany([r.comment]);
    return {
      conversationId: r.conversation_id,
      orgId: r.org_id,
      visitorId: r.visitor_id,
      agentId: r.agent_id,
      score: Number(r.score),
      // A destroyed key (erasure) leaves no comment rather than ciphertext.
      comment: comment ?? null,
      masked: JSON.parse(r.masked) as string[],
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
    };
  };
  const rating = async (orgId: string, conversationId: string) => {
    const r = await db
      .selectFrom('conversation_ratings')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    return r && toRating(r);
  };

  return {
    rating,
    async rate(input) {
      let comment: string | null = null;
      if (input.comment !== null) {
        const [sealed] = await keys.sealMany([
          {
            owner: { orgId: input.orgId, kind: 'conversation', id: input.conversationId },
            plain: input.comment,
          },
        ]);
        if (sealed === undefined) throw new Error('feedback: comment not sealed');
        comment = sealed;
      }
      await db
        .insertInto('conversation_ratings')
        .values({
          conversation_id: input.conversationId,
          org_id: input.orgId,
          visitor_id: input.visitorId,
          agent_id: input.agentId,
          score: input.score,
          comment,
          masked: JSON.stringify(input.masked),
          created_at: input.now,
          updated_at: input.now,
        })
        .onConflict((oc) =>
          oc.column('conversation_id').doUpdateSet({
            score: input.score,
            comment,
            masked: JSON.stringify(input.masked),
            updated_at: input.now,
          }),
        )
        .execute();
      const row = await rating(input.orgId, input.conversationId);
      if (!row) throw new Error('feedback: rating not stored');
      return row;
    },
  };
}
