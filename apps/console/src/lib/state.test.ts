import { describe, expect, it } from 'vitest';
import type { ConversationSummary, ServerFrame } from '@parley/protocol';
import {
  applyServerFrame,
  type ConsoleState,
  conversationLists,
  emptyState,
  lastSeqOf,
  maskedLabel,
  mergeMessages,
  selectConversation,
} from './state';

const conv = (
  id: string,
  status: ConversationSummary['status'],
  agentId: string | null,
  t: number,
): ConversationSummary => ({
  id,
  status,
  visitor: { id: `v-${id}`, name: null, verified: false },
  teamId: null,
  agent: agentId ? { id: agentId, name: agentId } : null,
  lastSeq: 0,
  createdAt: t,
  updatedAt: t,
});

const message = (
  conversationId: string,
  seq: number,
  kind: 'visitor' | 'agent' = 'visitor',
): ServerFrame => ({
  type: 'message',
  id: `m${seq}`,
  conversationId,
  seq,
  sender: { kind, id: 'x', name: null },
  text: `t${seq}`,
  masked: [],
  createdAt: seq,
});

describe('console state', () => {
  it('sorts conversations into queue, mine, others and closed', () => {
    let s = emptyState;
    for (const c of [
      conv('w2', 'waiting', null, 2),
      conv('w1', 'waiting', null, 1),
      conv('m', 'active', 'me', 3),
      conv('o', 'active', 'bob', 4),
      conv('c', 'closed', 'me', 5),
    ]) {
      s = applyServerFrame(s, { type: 'conversation', conversation: c });
    }
    const lists = conversationLists(s, 'me');
    expect(lists.waiting.map((c) => c.id)).toEqual(['w1', 'w2']);
    expect(lists.mine.map((c) => c.id)).toEqual(['m']);
    expect(lists.others.map((c) => c.id)).toEqual(['o']);
    expect(lists.closed.map((c) => c.id)).toEqual(['c']);
  });

  it('moves a conversation out of the queue when a newer frame says it was accepted, and ignores stale ones', () => {
    let s = applyServerFrame(emptyState, {
      type: 'conversation',
      conversation: conv('a', 'waiting', null, 1),
    });
    s = applyServerFrame(s, {
      type: 'conversation',
      conversation: { ...conv('a', 'active', 'me', 1), updatedAt: 5 },
    });
    s = applyServerFrame(s, { type: 'conversation', conversation: conv('a', 'waiting', null, 2) });
    expect(conversationLists(s, 'me').mine.map((c) => c.id)).toEqual(['a']);
  });

  it('merges history and live messages by seq without duplicates', () => {
    let s = applyServerFrame(emptyState, message('a', 2));
    s = applyServerFrame(s, message('a', 1));
    s = applyServerFrame(s, message('a', 2));
    expect(s.messages.a?.map((m) => m.seq)).toEqual([1, 2]);
    expect(lastSeqOf(s, 'a')).toBe(2);
    expect(mergeMessages(s.messages.a!, [])).toBe(s.messages.a);
  });

  it('counts unread visitor messages for conversations not on screen', () => {
    let s = selectConversation(emptyState, 'a');
    s = applyServerFrame(s, message('a', 1));
    s = applyServerFrame(s, message('b', 1));
    s = applyServerFrame(s, message('b', 2, 'agent'));
    expect(s.unread).toEqual({ b: 1 });
    expect(selectConversation(s, 'b').unread).toEqual({});
  });

  it('tracks pending replies until ack and failed ones on a final error', () => {
    let s: ConsoleState = {
      ...emptyState,
      pending: {
        a: [
          { clientMsgId: 'k1', conversationId: 'a', text: 'hi' },
          { clientMsgId: 'k2', conversationId: 'a', text: 'yo' },
        ],
      },
    };
    s = applyServerFrame(s, { type: 'ack', clientMsgId: 'k1', conversationId: 'a', seq: 3 });
    expect(s.pending.a?.map((p) => p.clientMsgId)).toEqual(['k2']);
    s = applyServerFrame(s, {
      type: 'error',
      code: 'conversation_closed',
      message: 'The conversation is closed.',
      clientMsgId: 'k2',
      conversationId: 'a',
    });
    expect(s.pending.a).toEqual([]);
    expect(s.failed.a).toEqual([{ text: 'yo', reason: 'The conversation is closed.' }]);
  });

  it('shows and clears visitor typing; applies redactions', () => {
    let s = applyServerFrame(emptyState, {
      type: 'typing',
      conversationId: 'a',
      from: 'visitor',
      typing: true,
    });
    expect(s.visitorTyping.a).toBe(true);
    s = applyServerFrame(s, message('a', 1));
    expect(s.visitorTyping.a).toBe(false);
    s = applyServerFrame(s, {
      type: 'redact',
      conversationId: 'a',
      seq: 1,
      text: '•••• 4242',
      masked: ['card_number'],
    });
    expect(s.messages.a?.[0]).toMatchObject({ text: '•••• 4242', masked: ['card_number'] });
  });

  it('labels masked messages without revealing anything', () => {
    expect(maskedLabel([])).toBeNull();
    expect(maskedLabel(['card_number', 'card_number'])).toBe('Sensitive data hidden (card number)');
  });
});
