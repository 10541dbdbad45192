import { z } from 'zod';
import { SYSTEM_LINES } from './system-lines';
import { LIMITS } from './limits';

/**
 * The agent's desk (docs/desk.md): internal notes and canned replies.
 * Everything here is for agents only; no visitor frame or body carries it.
 */

const Id = z.string().min(1).max(64);

// ---- internal notes --------------------------------------------------------

/** A note agents write in a conversation; visitors never see one. Its text is masked. */
export const NoteSchema = z.object({
  id: z.string(),
  conversationId: Id,
  author: z.object({ id: z.string(), name: z.string().nullable() }),
  clientId: z.string(),
  text: z.string(),
  masked: z.array(z.string()),
  createdAt: z.number().int(),
});
export type Note = z.infer<typeof NoteSchema>;

/** `POST /api/conversations/:id/notes`: the client id makes a retry store one note. */
export const CreateNoteRequestSchema = z.object({
  clientId: Id,
  text: z.string().trim().min(1).max(LIMITS.maxTextLength),
});
export type CreateNoteRequest = z.infer<typeof CreateNoteRequestSchema>;
export const NoteEnvelopeSchema = z.object({ note: NoteSchema });
export const NoteListSchema = z.object({ notes: z.array(NoteSchema) });

/** A note was added (agents' sockets only: it travels on the organisation's topic). */
export const NoteFrameSchema = z.object({
  type: z.literal('note'),
  conversationId: Id,
  note: NoteSchema,
});
export type NoteFrame = z.infer<typeof NoteFrameSchema>;

// ---- canned replies --------------------------------------------------------

/** A shortcut as typed after the slash: `/refund` is `refund`. */
export const CannedShortcutSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'letters, digits, - and _; up to 32');

/** The variables a canned reply may use, filled in when it is inserted. */
export const CANNED_VARIABLES = ['visitor.name', 'agent.name', 'organisation.name'] as const;

export const CannedReplySchema = z.object({
  id: z.string(),
  /** null: for the whole organisation. */
  teamId: z.string().nullable(),
  shortcut: z.string(),
  title: z.string(),
  /** Masked when saved; masked again as a message when sent. */
  body: z.string(),
  masked: z.array(z.string()),
  updatedAt: z.number().int(),
});
export type CannedReply = z.infer<typeof CannedReplySchema>;

export const CannedReplyRequestSchema = z.object({
  shortcut: CannedShortcutSchema,
  title: z.string().trim().min(1).max(120),
  body: z.string().trim().min(1).max(LIMITS.maxTextLength),
  /** Absent or null: the whole organisation. */
  teamId: Id.nullable().optional(),
});
export type CannedReplyRequest = z.infer<typeof CannedReplyRequestSchema>;
export const CannedReplyEnvelopeSchema = z.object({ reply: CannedReplySchema });
export const CannedReplyListSchema = z.object({ replies: z.array(CannedReplySchema) });

export type CannedVariables = Record<(typeof CANNED_VARIABLES)[number], string>;

/**
 * Fills `{{visitor.name}}`, `{{agent.name}}` and `{{organisation.name}}` (spaces inside the
 * braces allowed); an unknown variable is left as written so the agent sees it before sending.
 */
export function fillCannedReply(body: string, vars: CannedVariables): string {
  return body.replace(/\{\{\s*([a-z]+\.[a-z]+)\s*\}\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(vars, name) ? vars[name as keyof CannedVariables] : whole,
  );
}

/** Canned replies whose shortcut, title or body contain every word of the query, shortcut matches first. */
export function searchCannedReplies<T extends Pick<CannedReply, 'shortcut' | 'title' | 'body'>>(
  replies: readonly T[],
  query: string,
): T[] {
  const q = query.trim().toLowerCase().replace(/^\//, '');
  if (q === '') return [...replies];
  const words = q.split(/\s+/);
  const hits = replies.filter((r) => {
    const hay = `${r.shortcut} ${r.title} ${r.body}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  const rank = (r: T): number => (r.shortcut === q ? 0 : r.shortcut.startsWith(q) ? 1 : 2);
  return hits.sort((a, b) => rank(a) - rank(b) || a.shortcut.localeCompare(b.shortcut));
}

// ---- supervisors join ------------------------------------------------------

/** A supervisor who joined a conversation they do not hold (`POST /api/conversations/:id/join`). */
export const ParticipantSchema = z.object({
  agent: z.object({ id: z.string(), name: z.string().nullable() }),
  joinedAt: z.number().int(),
});
export type Participant = z.infer<typeof ParticipantSchema>;
export const ParticipantListSchema = z.object({ participants: z.array(ParticipantSchema) });

/** The system message visitor and agents see when a supervisor joins. */
export function joinedText(agentName: string): string {
  return SYSTEM_LINES.joined({ name: agentName });
}

// ---- notifications and read state ------------------------------------------

const AlertSchema = z.object({ sound: z.boolean(), desktop: z.boolean() });

/**
 * What alerts an agent (issue 14 item 7), per event: a sound, a desktop notification
 * (the browser's Notification API), both or neither. Stored per agent.
 */
export const NotificationSettingsSchema = z.object({
  /** A new chat is waiting in the queue. */
  waiting: AlertSchema,
  /** A chat was assigned to me (routing, or a transfer I accepted elsewhere). */
  assigned: AlertSchema,
  /** A transfer is offered to me or my team. */
  transfer: AlertSchema,
  /** A new visitor message in one of my chats that I am not looking at. */
  message: AlertSchema,
});
export type NotificationSettings = z.infer<typeof NotificationSettingsSchema>;
export type NotificationEvent = keyof NotificationSettings;

/** Sound on for everything, desktop off until the agent allows it in the browser. */
export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  waiting: { sound: true, desktop: false },
  assigned: { sound: true, desktop: false },
  transfer: { sound: true, desktop: false },
  message: { sound: true, desktop: false },
};
export const NotificationSettingsEnvelopeSchema = z.object({
  settings: NotificationSettingsSchema,
});

/** `PUT /api/conversations/:id/read`: the agent has read up to `seq`. */
export const MarkReadRequestSchema = z.object({ seq: z.number().int().min(0) });
export type MarkReadRequest = z.infer<typeof MarkReadRequestSchema>;

/** Unread visitor messages per conversation, for the signed-in agent (stored read marks). */
export const UnreadListSchema = z.object({
  unread: z.array(z.object({ conversationId: z.string(), unread: z.number().int().min(0) })),
});
