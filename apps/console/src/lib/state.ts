import type {
  AgentPresence,
  EscalationFrame,
  Transfer,
  ChatMessage,
  ConversationSummary,
  FileSummary,
  Note,
  PaymentSummary,
  Rating,
  ServerFrame,
} from '@parley/protocol';
import { mergeFiles, mergePayments } from '@parley/realtime-client';
import { t } from '../i18n';
import { errorText } from './errors';

export interface PendingReply {
  clientMsgId: string;
  conversationId: string;
  text: string;
}

export interface ConsoleState {
  conversations: Record<string, ConversationSummary>;
  /** Messages per conversation in seq order, one per seq. */
  messages: Record<string, ChatMessage[]>;
  pending: Record<string, PendingReply[]>;
  failed: Record<string, { text: string; reason: string }[]>;
  visitorTyping: Record<string, boolean>;
  unread: Record<string, number>;
  selectedId: string | null;
  /** Payment cards per conversation, oldest first. */
  payments: Record<string, PaymentSummary[]>;
  /** File cards per conversation, oldest first (docs/files.md). */
  files: Record<string, FileSummary[]>;
  /** Internal notes per conversation, oldest first (docs/desk.md); agents only. */
  notes: Record<string, Note[]>;
  /** The customer's rating per conversation, once given (docs/feedback.md). */
  ratings: Record<string, Rating>;
  /** Last error frame not tied to a message, shown as a banner. */
  notice: string | null;
  /** Every agent's presence by agent id (docs/routing.md). */
  presence: Record<string, AgentPresence>;
  /** Transfers per conversation, oldest first; agents only. */
  transfers: Record<string, Transfer[]>;
  /** The latest escalation per waiting conversation. */
  escalations: Record<string, EscalationFrame>;
}

export const emptyState: ConsoleState = {
  conversations: {},
  messages: {},
  pending: {},
  failed: {},
  visitorTyping: {},
  unread: {},
  payments: {},
  files: {},
  notes: {},
  ratings: {},
  selectedId: null,
  notice: null,
  presence: {},
  transfers: {},
  escalations: {},
};

/** Merges messages by seq (history pages, resume replays and live frames may overlap). */
export function mergeMessages(existing: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  if (incoming.length === 0) return existing;
  const bySeq = new Map(existing.map((m) => [m.seq, m]));
  let changed = false;
  for (const m of incoming) {
    if (!bySeq.has(m.seq)) {
      bySeq.set(m.seq, m);
      changed = true;
    }
  }
  return changed ? [...bySeq.values()].sort((a, b) => a.seq - b.seq) : existing;
}

export function lastSeqOf(state: ConsoleState, id: string): number {
  return state.messages[id]?.at(-1)?.seq ?? 0;
}

export function upsertConversations(
  state: ConsoleState,
  list: ConversationSummary[],
): ConsoleState {
  const conversations = { ...state.conversations };
  for (const c of list) {
    const prev = conversations[c.id];
    // Frames and list reloads can race; keep the newer view of a conversation.
    if (!prev || prev.updatedAt <= c.updatedAt) conversations[c.id] = c;
  }
  return { ...state, conversations };
}

const without = <T>(rec: Record<string, T>, key: string): Record<string, T> => {
  const { [key]: _drop, ...rest } = rec;
  return rest;
};

export function applyServerFrame(state: ConsoleState, frame: ServerFrame): ConsoleState {
  switch (frame.type) {
    case 'conversation': {
      const next = upsertConversations(state, [frame.conversation]);
      // A chat that left the queue needs nobody's attention any more.
      return frame.conversation.status !== 'waiting' && state.escalations[frame.conversation.id]
        ? { ...next, escalations: without(next.escalations, frame.conversation.id) }
        : next;
    }
    case 'presence':
      return setPresence(state, [frame.presence]);
    case 'transfer':
      return addTransfers(state, frame.conversationId, [frame.transfer]);
    case 'escalation':
      return { ...state, escalations: { ...state.escalations, [frame.conversationId]: frame } };
    case 'message': {
      const { type: _t, ...m } = frame;
      const id = m.conversationId;
      const merged = mergeMessages(state.messages[id] ?? [], [m]);
      if (merged === state.messages[id]) return state;
      const fromVisitor = m.sender.kind === 'visitor';
      const unread =
        fromVisitor && state.selectedId !== id
          ? { ...state.unread, [id]: (state.unread[id] ?? 0) + 1 }
          : state.unread;
      const visitorTyping = fromVisitor
        ? { ...state.visitorTyping, [id]: false }
        : state.visitorTyping;
      return { ...state, messages: { ...state.messages, [id]: merged }, unread, visitorTyping };
    }
    case 'redact': {
      const list = state.messages[frame.conversationId];
      if (!list) return state;
      const messages = list.map((m) =>
        m.seq === frame.seq ? { ...m, text: frame.text, masked: frame.masked } : m,
      );
      return { ...state, messages: { ...state.messages, [frame.conversationId]: messages } };
    }
    case 'ack': {
      const list = state.pending[frame.conversationId] ?? [];
      return {
        ...state,
        pending: {
          ...state.pending,
          [frame.conversationId]: list.filter((p) => p.clientMsgId !== frame.clientMsgId),
        },
      };
    }
    case 'typing':
      return frame.from === 'visitor'
        ? {
            ...state,
            visitorTyping: { ...state.visitorTyping, [frame.conversationId]: frame.typing },
          }
        : state;
    case 'error': {
      const cid = frame.conversationId;
      const transient =
        frame.code === 'rate_limited' ||
        frame.code === 'internal_error' ||
        frame.code === 'server_shutting_down';
      if (frame.clientMsgId && cid && !transient) {
        const list = state.pending[cid] ?? [];
        const failed = list.find((p) => p.clientMsgId === frame.clientMsgId);
        if (failed) {
          return {
            ...state,
            pending: { ...state.pending, [cid]: list.filter((p) => p !== failed) },
            failed: {
              ...state.failed,
              [cid]: [
                ...(state.failed[cid] ?? []),
                { text: failed.text, reason: errorText(frame.code, frame.message) },
              ],
            },
          };
        }
      }
      return { ...state, notice: errorText(frame.code, frame.message) };
    }
    case 'payment':
      return {
        ...state,
        payments: {
          ...state.payments,
          [frame.conversationId]: mergePayments(state.payments[frame.conversationId] ?? [], [
            frame.payment,
          ]),
        },
      };
    case 'file':
      return setFiles(state, frame.conversationId, [frame.file]);
    case 'note':
      return addNotes(state, frame.conversationId, [frame.note]);
    case 'rating':
      return setRating(state, frame.rating);
    case 'ready':
    case 'read':
    case 'resumed':
    case 'pong':
    case 'security_event': // shown by the security events page, not the workspace
      return state;
  }
}

export function setPresence(state: ConsoleState, list: AgentPresence[]): ConsoleState {
  const presence = { ...state.presence };
  for (const p of list) presence[p.agentId] = p;
  return { ...state, presence };
}

/** Merges transfers by id; a later state of one transfer replaces the earlier. */
export function addTransfers(state: ConsoleState, id: string, list: Transfer[]): ConsoleState {
  const byId = new Map((state.transfers[id] ?? []).map((t) => [t.id, t]));
  for (const t of list) {
    const prev = byId.get(t.id);
    if (!prev || prev.status === 'pending') byId.set(t.id, t);
  }
  const transfers = [...byId.values()].sort((a, b) => a.createdAt - b.createdAt);
  return { ...state, transfers: { ...state.transfers, [id]: transfers } };
}

/** Pending transfers this agent may answer (to them, or to one of their teams). */
export function incomingTransfers(
  state: ConsoleState,
  agentId: string,
  teamIds: readonly string[],
): Transfer[] {
  return Object.values(state.transfers)
    .flat()
    .filter(
      (t) =>
        t.status === 'pending' &&
        t.from.id !== agentId &&
        (t.toAgent?.id === agentId || (t.toTeam !== null && teamIds.includes(t.toTeam.id))),
    );
}

export function setFiles(state: ConsoleState, id: string, list: FileSummary[]): ConsoleState {
  const merged = mergeFiles(state.files[id] ?? [], list);
  return merged === state.files[id] ? state : { ...state, files: { ...state.files, [id]: merged } };
}

/** Keeps the newer of two ratings of one conversation (REST and live frames may cross). */
export function setRating(state: ConsoleState, rating: Rating): ConsoleState {
  const current = state.ratings[rating.conversationId];
  if (current && current.updatedAt > rating.updatedAt) return state;
  return { ...state, ratings: { ...state.ratings, [rating.conversationId]: rating } };
}

/** Merges notes by id (the REST list and live frames may overlap), oldest first. */
export function addNotes(state: ConsoleState, id: string, list: Note[]): ConsoleState {
  const existing = state.notes[id] ?? [];
  const byId = new Map(existing.map((n) => [n.id, n]));
  let changed = false;
  for (const n of list)
    if (!byId.has(n.id)) {
      byId.set(n.id, n);
      changed = true;
    }
  if (!changed) return state;
  const notes = [...byId.values()].sort((a, b) => a.createdAt - b.createdAt);
  return { ...state, notes: { ...state.notes, [id]: notes } };
}

export function selectConversation(state: ConsoleState, id: string | null): ConsoleState {
  return {
    ...state,
    selectedId: id,
    unread: id ? without(state.unread, id) : state.unread,
    notice: null,
  };
}

export interface ConversationLists {
  waiting: ConversationSummary[];
  mine: ConversationSummary[];
  others: ConversationSummary[];
  closed: ConversationSummary[];
}

/** The sidebar: the queue oldest first, mine and closed most recent first. */
export function conversationLists(state: ConsoleState, agentId: string): ConversationLists {
  const all = Object.values(state.conversations);
  const recent = (a: ConversationSummary, b: ConversationSummary): number =>
    b.updatedAt - a.updatedAt;
  return {
    waiting: all.filter((c) => c.status === 'waiting').sort((a, b) => a.createdAt - b.createdAt),
    mine: all.filter((c) => c.status === 'active' && c.agent?.id === agentId).sort(recent),
    others: all.filter((c) => c.status === 'active' && c.agent?.id !== agentId).sort(recent),
    closed: all
      .filter((c) => c.status === 'closed')
      .sort(recent)
      .slice(0, 50),
  };
}

/** The sentence for a masked message's badge tooltip; agents never see the digits. */
export function maskedLabel(masked: string[]): string | null {
  const kinds = [...new Set(masked)].filter((k) => k !== 'held');
  if (kinds.length === 0) return null;
  return t('thread.maskedTitle', { kinds: kinds.join(', ').replace(/_/g, ' ') });
}

/** The tooltip of a message with numbers held as possible pieces of a card split over messages. */
export function heldLabel(masked: string[]): string | null {
  if (!masked.includes('held')) return null;
  return t('thread.heldTitle');
}
