import type { ChatMessage, FileSummary, PaymentSummary } from '@parley/protocol';
import { mergeFiles, mergePayments } from '@parley/realtime-client';
import type { OutboxEntry } from './outbox';
import type { VisitorFrame } from './frames';

export interface FailedMessage {
  clientMsgId: string;
  text: string;
  reason: string;
  /** The registry code of the refusal, shown in the visitor's language (docs/errors.md). */
  code?: string;
}

/** What the conversation view shows; derived from frames, never mutated in place. */
export interface ChatState {
  conversationId: string;
  /** Delivered messages in seq order, one per seq. */
  messages: ChatMessage[];
  /** Sent by this visitor, not yet acknowledged (from the outbox). */
  pending: OutboxEntry[];
  failed: FailedMessage[];
  agentTyping: boolean;
  /** Highest seq seen; the next resume starts after it. */
  lastSeq: number;
  closed: boolean;
  /** Kinds masked in the browser before sending, by seq (the server saw only masked text). */
  localMasked: Record<number, string[]>;
  /** Payment cards the agent sent, oldest first. */
  payments: PaymentSummary[];
  /** File cards of the conversation, oldest first (docs/files.md). */
  files: FileSummary[];
}

export function initialChatState(
  conversationId: string,
  pending: OutboxEntry[],
  localMasked: Record<number, string[]> = {},
): ChatState {
  return {
    conversationId,
    messages: [],
    pending,
    failed: [],
    agentTyping: false,
    lastSeq: 0,
    closed: false,
    localMasked,
    payments: [],
    files: [],
  };
}

/** Kinds hidden in a delivered message, by the server or by this browser before sending. */
export function maskedKinds(state: ChatState, m: ChatMessage): string[] {
  const local = state.localMasked[m.seq];
  return local ? [...new Set([...m.masked, ...local])] : m.masked;
}

function insertMessage(messages: ChatMessage[], m: ChatMessage): ChatMessage[] {
  const idx = messages.findIndex((x) => x.seq >= m.seq);
  if (idx === -1) return [...messages, m];
  if (messages[idx]?.seq === m.seq) return messages; // replayed after a resume: already shown
  return [...messages.slice(0, idx), m, ...messages.slice(idx)];
}

/** Applies one server frame to the view state. */
export function applyFrame(state: ChatState, frame: VisitorFrame): ChatState {
  if (
    'conversationId' in frame &&
    frame.conversationId !== undefined &&
    frame.conversationId !== state.conversationId
  )
    return state;
  switch (frame.type) {
    case 'message': {
      const { type: _type, ...message } = frame;
      const agentTyping = message.sender.kind === 'agent' ? false : state.agentTyping;
      return {
        ...state,
        messages: insertMessage(state.messages, message),
        lastSeq: Math.max(state.lastSeq, message.seq),
        agentTyping,
      };
    }
    case 'ack': {
      const acked = state.pending.find((p) => p.clientMsgId === frame.clientMsgId);
      const localMasked = acked?.masked?.length
        ? { ...state.localMasked, [frame.seq]: acked.masked }
        : state.localMasked;
      return {
        ...state,
        localMasked,
        pending: state.pending.filter((p) => p.clientMsgId !== frame.clientMsgId),
      };
    }
    case 'redact':
      return {
        ...state,
        messages: state.messages.map((m) =>
          m.seq === frame.seq ? { ...m, text: frame.text, masked: frame.masked } : m,
        ),
      };
    case 'typing':
      return frame.from === 'agent' ? { ...state, agentTyping: frame.typing } : state;
    case 'resumed':
      return { ...state, lastSeq: Math.max(state.lastSeq, frame.lastSeq) };
    case 'error': {
      const closed = state.closed || frame.code === 'conversation_closed';
      if (!frame.clientMsgId || !isFinalSendError(frame.code))
        return closed === state.closed ? state : { ...state, closed };
      const failed = state.pending.find((p) => p.clientMsgId === frame.clientMsgId);
      if (!failed) return { ...state, closed };
      return {
        ...state,
        closed,
        pending: state.pending.filter((p) => p.clientMsgId !== frame.clientMsgId),
        failed: [
          ...state.failed,
          {
            clientMsgId: failed.clientMsgId,
            text: failed.text,
            reason: frame.message,
            code: frame.code,
          },
        ],
      };
    }
    case 'payment':
      return { ...state, payments: mergePayments(state.payments, [frame.payment]) };
    case 'file': {
      if (frame.conversationId !== state.conversationId) return state;
      const files = mergeFiles(state.files, [frame.file]);
      return files === state.files ? state : { ...state, files };
    }
    case 'conversation':
      return frame.conversation.id === state.conversationId &&
        frame.conversation.status === 'closed' &&
        !state.closed
        ? { ...state, closed: true }
        : state;
    case 'ready':
    case 'pong':
      return state;
  }
}

/**
 * Refusals that say "try again" (docs/errors.md): the message stays in the outbox and is sent
 * again with its clientMsgId. store_unavailable is one ("nothing was lost. Try again."): a
 * commit past its deadline may still land, and the retry then gets its ack as a duplicate.
 */
const RETRYABLE_SEND_ERRORS: ReadonlySet<string> = new Set([
  'rate_limited',
  'internal_error',
  'server_shutting_down',
  'store_unavailable',
]);

/** Errors that end a send for good; the others are tried again (backoff, and on reconnect). */
export function isFinalSendError(code: string): boolean {
  return !RETRYABLE_SEND_ERRORS.has(code);
}

const CARD_KINDS = /card|pan|cvv|cvc|expir/i;

/** The catalog key of the notice shown under a message whose text had something masked. */
export function maskedNotice(masked: string[]): string | null {
  if (masked.length === 0) return null;
  if (masked.every((k) => k === 'held')) return 'messages.maskedHeld';
  if (masked.some((k) => CARD_KINDS.test(k))) return 'messages.maskedCard';
  return 'messages.maskedOther';
}

/** Agent messages after `readSeq`: the unread count shown on the launcher. */
export function unreadCount(messages: ChatMessage[], readSeq: number): number {
  return messages.filter((m) => m.seq > readSeq && m.sender.kind !== 'visitor').length;
}
