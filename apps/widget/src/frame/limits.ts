// Mirrors LIMITS.maxTextLength from @parley/protocol. The widget imports only
// types from the protocol package: a value import would pull zod (~90 kB) into
// the frame bundle. limits.test.ts keeps the two in step.
export const MAX_TEXT_LENGTH = 4000;
