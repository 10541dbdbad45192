import { can, type AgentActor } from '../auth';

export type FeedbackAction = 'rating:read' | 'transcript:send' | 'report:read';

/**
 * Who may use feedback. A rating and a transcript follow the conversation: whoever may read
 * it may read its rating and send its transcript (to the customer). The ratings report is for
 * supervisors and admins, who look after the team, not for each agent (issue 15 item 4).
 * Tenancy is checked by `can` (DESIGN.md law 3). Visitors act only on their own conversations
 * (the chat policy).
 */
export function feedbackAllowed(
  actor: AgentActor,
  action: FeedbackAction,
  resource: { orgId: string },
): boolean {
  switch (action) {
    case 'rating:read':
    case 'transcript:send':
      return can(actor, 'conversation:read', resource);
    case 'report:read':
      return actor.role !== 'agent' && can(actor, 'conversation:read', resource);
  }
}
