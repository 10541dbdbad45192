import { can, type AgentContext } from '../auth';

/** An agent who may answer a conversation may block its visitor (the chat policy decides which conversation). */
export const mayBlockFromConversation = (ctx: AgentContext): boolean =>
  can(ctx.actor, 'conversation:reply', { orgId: ctx.organisation.id });

/** Listing, lifting and blocking networks directly is an administrator's. */
export const mayManageBlocks = (ctx: AgentContext): boolean =>
  can(ctx.actor, 'settings:manage', { orgId: ctx.organisation.id });
