import { z } from 'zod';
import { ConversationStatusSchema } from './realtime';

/**
 * `POST /api/history` (issue 14 item 10): the organisation's conversations, newest first, with
 * filters and a search over message words (AND; whole words, see docs/search.md). A POST body,
 * not a query string: search words are message content and must not reach access logs or
 * proxies. `cursor` is the `next` of the previous page.
 */
export const HistoryQuerySchema = z
  .object({
    q: z.string().max(200).optional(),
    status: z.array(ConversationStatusSchema).max(3).optional(),
    teamId: z.string().min(1).max(100).optional(),
    agentId: z.string().min(1).max(100).optional(),
    from: z.number().int().min(0).optional(),
    to: z.number().int().min(0).optional(),
    rating: z.number().int().min(1).max(5).optional(),
    verified: z.boolean().optional(),
    hasPayment: z.boolean().optional(),
    hasFile: z.boolean().optional(),
    cursor: z.string().max(300).optional(),
    limit: z.number().int().min(1).max(100).default(25),
  })
  .strict();
export type HistoryQueryInput = z.input<typeof HistoryQuerySchema>;
export type HistoryQueryParams = z.infer<typeof HistoryQuerySchema>;

export const HistoryItemSchema = z.object({
  id: z.string(),
  status: ConversationStatusSchema,
  teamId: z.string().nullable(),
  agentId: z.string().nullable(),
  visitorName: z.string().nullable(),
  verified: z.boolean(),
  rating: z.number().int().nullable(),
  createdAt: z.number().int(),
  closedAt: z.number().int().nullable(),
});
export type HistoryItem = z.infer<typeof HistoryItemSchema>;

export const HistoryPageSchema = z.object({
  conversations: z.array(HistoryItemSchema),
  /** Pass as `cursor` for the next page; null on the last one. */
  next: z.string().nullable(),
});
export type HistoryPage = z.infer<typeof HistoryPageSchema>;
