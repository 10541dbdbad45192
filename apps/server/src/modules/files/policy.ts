import { can } from '../auth';
import type { ChatActor } from '../chat';

/**
 * Files have the conversation's authorisation (law 3): whoever may send in a
 * conversation may attach to it, whoever may view it may see and download its
 * files; the service asks the chat module's policy for both (chat.authorize).
 * Only an organisation's settings managers change what files it accepts.
 */
export type FileAction = 'upload' | 'view';
export const conversationActionFor = (a: FileAction): 'send' | 'view' =>
  a === 'upload' ? 'send' : 'view';

export function mayManageFileSettings(actor: ChatActor): boolean {
  return actor.kind === 'agent' && can(actor, 'settings:manage', { orgId: actor.orgId });
}
