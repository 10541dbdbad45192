import type { Store, WebhookDeliveryRow } from '../../store';

/**
 * The `data` of a delivery, read from the store when it is sent (so an erased
 * conversation has nothing left to say: undefined). Message text is the stored,
 * masked text agents see; payments carry their status lines (brand, last four),
 * never card data; visitors are named by id only.
 */
export async function buildData(
  store: Store,
  row: WebhookDeliveryRow,
): Promise<Record<string, unknown> | undefined> {
  const s = row.subject;
  const conversationId = typeof s.conversationId === 'string' ? s.conversationId : undefined;
  if (row.eventType === 'ping') return { ping: true };
  if (row.eventType === 'payment.updated') {
    const p = await store.payments.byId(row.orgId, String(s.paymentId));
    if (!p) return undefined;
    return {
      payment: {
        id: p.id,
        conversationId: p.conversationId,
        status: p.status,
        amount: p.amount,
        currency: p.currency,
        amountRefunded: p.amountRefunded,
        brand: p.brand,
        last4: p.last4,
        reference: p.gatewayReference,
        updatedAt: p.updatedAt,
      },
    };
  }
  if (!conversationId) return undefined;
  const conv = await store.conversations.byId(row.orgId, conversationId);
  if (!conv) return undefined;
  const conversation = {
    id: conv.id,
    status: conv.status,
    visitorId: conv.visitorId,
    visitorVerified: conv.visitorVerified,
    agentId: conv.agentId,
    createdAt: conv.createdAt,
    closedAt: conv.closedAt,
  };
  if (row.eventType === 'message.created') {
    const seq = Number(s.seq);
    const [m] = await store.messages.after(row.orgId, conversationId, seq - 1, 1);
    if (!m || m.seq !== seq) return undefined;
    return {
      conversation,
      message: {
        seq: m.seq,
        sender: { kind: m.senderKind, id: m.senderId },
        text: m.text,
        masked: m.masked,
        createdAt: m.createdAt,
      },
    };
  }
  if (row.eventType === 'conversation.rated') {
    const r = await store.feedback.rating(row.orgId, conversationId);
    if (!r) return undefined;
    return {
      conversation,
      rating: { score: r.score, comment: r.comment, masked: r.masked, updatedAt: r.updatedAt },
    };
  }
  // Assigned, transferred…: the subject's other ids ride along (agent, team, transfer).
  const { conversationId: _c, ...rest } = s;
  return { conversation, ...rest };
}
