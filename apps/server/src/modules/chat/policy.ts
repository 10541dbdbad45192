import { can, type AgentActor } from '../auth';
import type { ConversationRow } from '../../store';

export interface VisitorActor {
  kind: 'visitor';
  visitorId: string;
  orgId: string;
}
export type ChatActor = (AgentActor & { name: string }) | (VisitorActor & { name: string | null });

export type ChatAction = 'view' | 'send' | 'accept' | 'close' | 'typing';

/**
 * Who may do what with a conversation. A visitor only ever touches its own
 * conversations; an agent only its organisation's, as its role allows; nobody
 * crosses organisations (DESIGN.md law 3).
 */
export function allowed(
  actor: ChatActor,
  action: ChatAction,
  conv: Pick<ConversationRow, 'orgId' | 'visitorId' | 'agentId' | 'status'>,
): boolean {
  if (conv.orgId !== actor.orgId) return false;
  if (actor.kind === 'visitor') {
    if (conv.visitorId !== actor.visitorId) return false;
    return action !== 'accept';
  }
  const own = conv.agentId === actor.agentId;
  switch (action) {
    case 'view':
      return can(actor, 'conversation:read', conv);
    case 'accept':
      return can(actor, 'conversation:accept', conv);
    case 'send':
    case 'typing':
      return own
        ? can(actor, 'conversation:reply', conv)
        : can(actor, 'conversation:reply_any', conv);
    case 'close':
      return own
        ? can(actor, 'conversation:close', conv)
        : can(actor, 'conversation:close_any', conv);
  }
}
