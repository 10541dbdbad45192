export { createChatService, type ChatService, type ChatDeps, type SendInput } from './service';
export { registerChatRoutes, agentActor, visitorActor } from './routes';
export { allowed, type ChatActor, type ChatAction, type VisitorActor } from './policy';
export { presentConversation, presentMessage, presentMessageFrame } from './presenter';
export type { MessageMasker, SeqRef, MaskedMessage } from './masking';
export { createMessageMasker, type MaskerRegistryOptions } from './masker';
