import { can, type AgentActor } from '../auth';

export type FeedbackAction = 'rating:read' | 'transcript:send';

/**
 * Who may use feedback. A rating and a transcript follow the conversation: whoever may read
 * it may read its rating and send its transcript (to the customer). The ratings report is one
 * of the reports (modules/reports, `report:read`).
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
  }
}
