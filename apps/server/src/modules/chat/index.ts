export { createChatService, type ChatService, type ChatDeps, type SendInput } from './service';
export { registerChatRoutes, agentActor, visitorActor } from './routes';
export { allowed, type ChatActor, type ChatAction, type VisitorActor } from './policy';
export { presentConversation, presentMessage, presentMessageFrame } from './presenter';
export type { MessageMasker, MaskedMessage } from './masking';
export { createMessageMasker, type MaskerOptions } from './masker';
export { createHeldPieces, type HeldPieces } from './held';
