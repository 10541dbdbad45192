import { z } from 'zod';

/**
 * The lines the server writes into a conversation (issue 15 "system lines in the visitor's
 * language"). The store keeps the English text, as before; every line is made by one of these
 * templates, so the presenter can name it by code and parameters (`ChatMessage.system`), and each
 * side renders it from its own catalogs: the widget in the visitor's language (`system.<code>`
 * in apps/widget/src/frame/locales), the console in the agent's. The English text stays the
 * fallback for clients that do not know a code (and for transcripts).
 */
export const SYSTEM_LINES = {
  /** A transfer was accepted (modules/routing/transfer.ts). */
  talking_to: (p: { name: string }) => `You are now talking to ${p.name}.`,
  /** A supervisor joined (modules/desk/supervise.ts). */
  joined: (p: { name: string }) => `${p.name} joined the conversation.`,
  /** A card number was hidden from a visitor's message (modules/chat/card-notice.ts). */
  card_hidden: () =>
    'For your safety we hid a card number. Never share card details in chat — if you need to pay, your agent can send you a secure payment link.',
} as const;
export type SystemLineCode = keyof typeof SYSTEM_LINES;

export const SystemLineSchema = z.object({
  code: z.enum(['talking_to', 'joined', 'card_hidden']),
  params: z.record(z.string(), z.string()),
});
export type SystemLine = z.infer<typeof SystemLineSchema>;

// Each template as a pattern: the parameter is what stands where `{name}` stood. A name is at
// most 80 characters (an agent's display name) and a line holds one.
const NAME = '(.{1,120}?)';
const PATTERNS: readonly [SystemLineCode, RegExp][] = [
  ['talking_to', new RegExp(`^You are now talking to ${NAME}\\.$`, 's')],
  ['joined', new RegExp(`^${NAME} joined the conversation\\.$`, 's')],
];

/** The code and parameters of a system line written by SYSTEM_LINES; undefined for any other text. */
export function systemLineOf(text: string): SystemLine | undefined {
  if (text === SYSTEM_LINES.card_hidden()) return { code: 'card_hidden', params: {} };
  for (const [code, pattern] of PATTERNS) {
    const m = pattern.exec(text);
    if (m?.[1] !== undefined) return { code, params: { name: m[1] } };
  }
  return undefined;
}
