import {
  systemLineOf,
  type ChatMessage,
  type ConversationSummary,
  type MessageFrame,
  type VisitorConversation,
} from '@parley/protocol';
import type { ConversationRow, MessageRow } from '../../store';

/** A conversation as agents (and its own visitor) see it. */
export function presentConversation(row: ConversationRow): ConversationSummary {
  return {
    id: row.id,
    status: row.status,
    visitor: { id: row.visitorId, name: row.visitorName, verified: row.visitorVerified },
    agent: row.agentId ? { id: row.agentId, name: row.agentName ?? 'Agent' } : null,
    teamId: row.teamId,
    lastSeq: row.lastSeq,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function presentVisitorConversation(row: ConversationRow): VisitorConversation {
  return { id: row.id, status: row.status, lastSeq: row.lastSeq, createdAt: row.createdAt };
}

/** A stored message; its text is always the masked text (originals are never stored). */
export function presentMessage(row: MessageRow, senderName?: string | null): ChatMessage {
  // Only the server writes system lines, so only they are named by code (never a person's text).
  const system = row.senderKind === 'system' ? systemLineOf(row.text) : undefined;
  return {
    id: row.id,
    conversationId: row.conversationId,
    seq: row.seq,
    sender: { kind: row.senderKind, id: row.senderId, name: senderName ?? row.senderName },
    text: row.text,
    masked: row.masked,
    createdAt: row.createdAt,
    ...(system ? { system } : {}),
  };
}

export function presentMessageFrame(row: MessageRow, senderName?: string | null): MessageFrame {
  return { type: 'message', ...presentMessage(row, senderName) };
}
