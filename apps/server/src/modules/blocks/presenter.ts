import type { VisitorBlock } from '@parley/protocol';
import type { VisitorBlockRow } from '../../store';

/** A block for admins and agents of the organisation; the identity's hash never leaves the server. */
export function presentBlock(
  b: VisitorBlockRow,
  creatorName: string | null,
  now: number,
): VisitorBlock {
  return {
    id: b.id,
    kind: b.kind,
    visitorId: b.visitorId,
    network: b.network,
    conversationId: b.conversationId,
    reason: b.reason,
    createdBy: { id: b.createdBy, name: creatorName },
    createdAt: b.createdAt,
    expiresAt: b.expiresAt,
    liftedAt: b.liftedAt,
    status:
      b.liftedAt !== null
        ? 'lifted'
        : b.expiresAt !== null && b.expiresAt <= now
          ? 'expired'
          : 'active',
    refused: b.refused,
  };
}
