import { z } from 'zod';

/**
 * The customer's feedback on a chat (docs/feedback.md): a rating after it is closed, and a
 * transcript by e-mail. A rating's comment is masked like every message before it is stored.
 */

const Id = z.string().min(1).max(64);

/** Longest rating comment, in characters (before masking). */
export const RATING_COMMENT_MAX = 1000;

/** `POST /api/visitor/conversations/:id/rating`: 1–5 and an optional comment. */
export const RateRequestSchema = z.object({
  score: z.number().int().min(1).max(5),
  comment: z.string().trim().max(RATING_COMMENT_MAX).optional(),
});
export type RateRequest = z.infer<typeof RateRequestSchema>;

/** A conversation's rating as agents and its visitor see it; the comment is the masked text. */
export const RatingSchema = z.object({
  conversationId: Id,
  score: z.number().int().min(1).max(5),
  comment: z.string().nullable(),
  masked: z.array(z.string()),
  /** The agent who had the conversation when it was rated, if any. */
  agentId: z.string().nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type Rating = z.infer<typeof RatingSchema>;
export const RatingEnvelopeSchema = z.object({ rating: RatingSchema.nullable() });

/** A conversation was rated (agents' sockets only: it travels on the organisation's topic). */
export const RatingFrameSchema = z.object({
  type: z.literal('rating'),
  conversationId: Id,
  rating: RatingSchema,
});
export type RatingFrame = z.infer<typeof RatingFrameSchema>;

/** `GET /api/reports/ratings`: a time range (ms since the epoch), the last 30 days by default. */
export const RatingReportQuerySchema = z.object({
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
});
export type RatingReportQuery = z.infer<typeof RatingReportQuerySchema>;

const Distribution = z.tuple([z.number(), z.number(), z.number(), z.number(), z.number()]);

/** Ratings in a range: count, average, how many of each score (index 0 is score 1), per agent. */
export const RatingReportSchema = z.object({
  from: z.number().int(),
  to: z.number().int(),
  count: z.number().int(),
  average: z.number().nullable(),
  distribution: Distribution,
  agents: z.array(
    z.object({
      agentId: z.string().nullable(),
      name: z.string().nullable(),
      count: z.number().int(),
      average: z.number(),
    }),
  ),
});
export type RatingReport = z.infer<typeof RatingReportSchema>;

// ---- transcripts -----------------------------------------------------------

/** `POST …/transcript`: the address a transcript goes to. */
export const TranscriptRequestSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
});
export type TranscriptRequest = z.infer<typeof TranscriptRequestSchema>;

/** The transcript was queued (sent by the mail queue, retried until it is delivered). */
export const TranscriptQueuedSchema = z.object({ queued: z.literal(true), duplicate: z.boolean() });
export type TranscriptQueued = z.infer<typeof TranscriptQueuedSchema>;
