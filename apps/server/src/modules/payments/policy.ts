import { can, type AgentActor } from '../auth';

export type PaymentAction = 'request' | 'cancel' | 'refund';

const PERMISSION = {
  request: 'payment:request',
  cancel: 'payment:cancel',
  refund: 'payment:refund',
} as const;

/**
 * Who may act on a payment: the role's permission, inside the agent's own
 * organisation (DESIGN.md law 3). Seeing a payment follows seeing its
 * conversation (modules/chat policy).
 */
export function mayPay(
  actor: AgentActor,
  action: PaymentAction,
  resource: { orgId: string },
): boolean {
  return can(actor, PERMISSION[action], resource);
}
