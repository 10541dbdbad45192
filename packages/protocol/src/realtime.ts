import { z } from 'zod';
import { SystemLineSchema } from './system-lines';
import { ERROR_CODES } from './errors';
import { LIMITS } from './limits';
import { FileFrameSchema } from './files';
import { PaymentFrameSchema } from './payments';
import { SecurityEventFrameSchema } from './security';
import { NoteFrameSchema } from './desk';
import { RatingFrameSchema } from './feedback';
import { EscalationFrameSchema, PresenceFrameSchema, TransferFrameSchema } from './routing';

const Id = z.string().min(1).max(64);
const Seq = z.number().int().min(0);

/** Findings say what kind of secret was masked and where; never the value. */
export const FindingSchema = z.object({
  type: z.string(),
  start: z.number().int().min(0),
  end: z.number().int().min(0),
});
export type Finding = z.infer<typeof FindingSchema>;

// ---- client → server -------------------------------------------------------

/** Visitor sockets must authenticate with their token as the first frame. */
export const AuthFrameSchema = z.object({
  type: z.literal('auth'),
  token: z.string().min(16).max(256),
  /** A host-signed identity JWT (docs/widget.md "Verified visitors"); checked on every auth that carries it. */
  identity: z.string().min(16).max(8192).optional(),
});
export const SendFrameSchema = z.object({
  type: z.literal('send'),
  clientMsgId: Id,
  conversationId: Id,
  text: z.string().min(1).max(LIMITS.maxTextLength),
});
export type SendFrame = z.infer<typeof SendFrameSchema>;

/**
 * The hot path's check of a `send` frame (issue 18, must 7): what `SendFrameSchema` accepts, with
 * its output (only the four known fields), without building zod's result objects for every
 * message. Returns undefined for anything it does not accept outright; the caller then runs the
 * schema, which decides and explains. It never accepts what the schema refuses (realtime.test.ts).
 */
export function fastSendFrame(json: unknown): SendFrame | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const f = json as Record<string, unknown>;
  const { type, clientMsgId, conversationId, text } = f;
  if (type !== 'send') return undefined;
  if (typeof clientMsgId !== 'string' || clientMsgId.length < 1 || clientMsgId.length > 64)
    return undefined;
  if (typeof conversationId !== 'string' || conversationId.length < 1 || conversationId.length > 64)
    return undefined;
  if (typeof text !== 'string' || text.length < 1 || text.length > LIMITS.maxTextLength)
    return undefined;
  return { type, clientMsgId, conversationId, text };
}

/** Subscribes to a conversation and replays every message after `afterSeq`. */
export const ResumeFrameSchema = z.object({
  type: z.literal('resume'),
  conversationId: Id,
  afterSeq: Seq,
});
export const TypingFrameSchema = z.object({
  type: z.literal('typing'),
  conversationId: Id,
  typing: z.boolean(),
});
export const ReadFrameSchema = z.object({ type: z.literal('read'), conversationId: Id, seq: Seq });
export const PingFrameSchema = z.object({ type: z.literal('ping') });

export const ClientFrameSchema = z.discriminatedUnion('type', [
  AuthFrameSchema,
  SendFrameSchema,
  ResumeFrameSchema,
  TypingFrameSchema,
  ReadFrameSchema,
  PingFrameSchema,
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;
export const CLIENT_FRAME_TYPES = ClientFrameSchema.options.map((o) => o.shape.type.value);

// ---- server → client -------------------------------------------------------

export const SenderSchema = z.object({
  kind: z.enum(['visitor', 'agent', 'system']),
  id: z.string().nullable(),
  name: z.string().nullable(),
});
export type Sender = z.infer<typeof SenderSchema>;

export const ChatMessageSchema = z.object({
  id: z.string(),
  conversationId: Id,
  seq: Seq,
  sender: SenderSchema,
  text: z.string(),
  /** Kinds of secret masked in this text (for the "something was hidden" notice). */
  masked: z.array(z.string()),
  createdAt: z.number().int(),
  /** A line the server wrote, by code and parameters: clients render it in their language. */
  system: SystemLineSchema.optional(),
});
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

export const ConversationStatusSchema = z.enum(['waiting', 'active', 'closed']);
export type ConversationStatus = z.infer<typeof ConversationStatusSchema>;

export const ConversationSummarySchema = z.object({
  id: z.string(),
  status: ConversationStatusSchema,
  visitor: z.object({
    id: z.string(),
    name: z.string().nullable(),
    /** Vouched for by the host website's identity token (docs/widget.md "Verified visitors"). */
    verified: z.boolean().default(false),
  }),
  agent: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** The team it was routed to (docs/routing.md); null: the organisation's shared queue. */
  teamId: z.string().nullable().default(null),
  lastSeq: Seq,
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type ConversationSummary = z.infer<typeof ConversationSummarySchema>;

export const ReadyFrameSchema = z.object({
  type: z.literal('ready'),
  role: z.enum(['visitor', 'agent']),
  id: z.string(),
});
export const AckFrameSchema = z.object({
  type: z.literal('ack'),
  clientMsgId: Id,
  conversationId: Id,
  seq: Seq,
});
export const MessageFrameSchema = ChatMessageSchema.extend({ type: z.literal('message') });
/** Replaces the text of an already delivered message (retroactive masking). */
export const RedactFrameSchema = z.object({
  type: z.literal('redact'),
  conversationId: Id,
  seq: Seq,
  text: z.string(),
  masked: z.array(z.string()),
});
export const ServerTypingFrameSchema = z.object({
  type: z.literal('typing'),
  conversationId: Id,
  from: z.enum(['visitor', 'agent']),
  typing: z.boolean(),
});
export const ServerReadFrameSchema = z.object({
  type: z.literal('read'),
  conversationId: Id,
  by: z.enum(['visitor', 'agent']),
  seq: Seq,
});
/** Sent after a resume has replayed everything up to `lastSeq`. */
export const ResumedFrameSchema = z.object({
  type: z.literal('resumed'),
  conversationId: Id,
  lastSeq: Seq,
});
/** A conversation was created or changed (status, assignment). */
export const ConversationFrameSchema = z.object({
  type: z.literal('conversation'),
  conversation: ConversationSummarySchema,
});
export const PongFrameSchema = z.object({ type: z.literal('pong') });
export const ErrorFrameSchema = z.object({
  type: z.literal('error'),
  code: z.enum(ERROR_CODES as [string, ...string[]]),
  message: z.string(),
  clientMsgId: Id.optional(),
  conversationId: Id.optional(),
});

export const ServerFrameSchema = z.discriminatedUnion('type', [
  ReadyFrameSchema,
  AckFrameSchema,
  MessageFrameSchema,
  RedactFrameSchema,
  ServerTypingFrameSchema,
  ServerReadFrameSchema,
  ResumedFrameSchema,
  ConversationFrameSchema,
  PaymentFrameSchema,
  SecurityEventFrameSchema,
  PongFrameSchema,
  FileFrameSchema,
  NoteFrameSchema,
  RatingFrameSchema,
  PresenceFrameSchema,
  TransferFrameSchema,
  EscalationFrameSchema,
  ErrorFrameSchema,
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;
export type AckFrame = z.infer<typeof AckFrameSchema>;
export type MessageFrame = z.infer<typeof MessageFrameSchema>;
export type RedactFrame = z.infer<typeof RedactFrameSchema>;
export type ErrorFrame = z.infer<typeof ErrorFrameSchema>;
