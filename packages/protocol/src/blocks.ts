import { z } from 'zod';

/**
 * Blocking visitors (issue 11 item 4, docs/security.md "Blocking visitors").
 * `visitor`: the visitor (its tokens and sockets); `address`: the visitor's
 * last known address; `network`: a CIDR range; `identity`: the host-verified
 * customer behind the visitor, on every device.
 */
export const BlockKindSchema = z.enum(['visitor', 'address', 'network', 'identity']);
export type BlockKind = z.infer<typeof BlockKindSchema>;

/** At most a year; no expiry means until an admin lifts it. */
export const BLOCK_MAX_MINUTES = 525_600;

const reason = z.string().trim().min(1).max(500);
const expiresInMinutes = z.number().int().min(1).max(BLOCK_MAX_MINUTES).nullable().optional();

/** An agent blocks from a conversation: the server resolves the visitor, address or identity. */
export const ConversationBlockRequestSchema = z.object({
  kind: BlockKindSchema,
  reason,
  expiresInMinutes,
  /** For `network`: the prefix length around the visitor's address (default /24, IPv6 /48). */
  prefix: z.number().int().min(8).max(128).optional(),
});
export type ConversationBlockRequest = z.infer<typeof ConversationBlockRequestSchema>;

/** An admin blocks an address or network directly (settings page). */
export const NetworkBlockRequestSchema = z.object({
  network: z.string().trim().min(2).max(64),
  reason,
  expiresInMinutes,
});
export type NetworkBlockRequest = z.infer<typeof NetworkBlockRequestSchema>;

export const VisitorBlockSchema = z.object({
  id: z.string(),
  kind: BlockKindSchema,
  /** The blocked visitor (kinds visitor and identity), else null. */
  visitorId: z.string().nullable(),
  /** The blocked range in CIDR form (kinds address and network), else null. */
  network: z.string().nullable(),
  /** The conversation the block was made from, if any. */
  conversationId: z.string().nullable(),
  reason: z.string(),
  createdBy: z.object({ id: z.string(), name: z.string().nullable() }),
  createdAt: z.number(),
  expiresAt: z.number().nullable(),
  liftedAt: z.number().nullable(),
  status: z.enum(['active', 'expired', 'lifted']),
  /** Refused attempts counted since the block was made. */
  refused: z.number(),
});
export type VisitorBlock = z.infer<typeof VisitorBlockSchema>;
export const VisitorBlockListSchema = z.object({ blocks: z.array(VisitorBlockSchema) });
export const VisitorBlockCreatedSchema = z.object({ block: VisitorBlockSchema });
