import type { Rating, RatingFrame } from '@parley/protocol';
import type { RatingRow } from '../../store';

/** A rating as agents and its own visitor see it; the comment is the masked text. */
export function presentRating(row: RatingRow): Rating {
  return {
    conversationId: row.conversationId,
    score: row.score,
    comment: row.comment,
    masked: row.masked,
    agentId: row.agentId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function presentRatingFrame(row: RatingRow): RatingFrame {
  return { type: 'rating', conversationId: row.conversationId, rating: presentRating(row) };
}
