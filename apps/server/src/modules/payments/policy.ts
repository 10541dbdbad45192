import { can, type AgentActor } from '../auth';

export type PaymentAction = 'request' | 'cancel' | 'refund';

const PERMISSION = {
  request: 'payment:request',
  cancel: 'payment:cancel',
  refund: 'payment:refund',
} as const;

/**
 * Who may act on a payment (issue 10 finding 9): the role's permission, inside
 * the agent's own organisation (DESIGN.md law 3), and only on a conversation
 * the agent holds, unless the role may act on anyone's conversation
 * (supervisors, admins). A plain agent cannot cancel a colleague's request.
 * Seeing a payment follows seeing its conversation (modules/chat policy).
 */
export function mayPay(
  actor: AgentActor,
  action: PaymentAction,
  conversation: { orgId: string; agentId: string | null },
): boolean {
  if (!can(actor, PERMISSION[action], conversation)) return false;
  return (
    conversation.agentId === actor.agentId || can(actor, 'conversation:reply_any', conversation)
  );
}
