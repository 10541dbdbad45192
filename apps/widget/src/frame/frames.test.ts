import { describe, expect, it } from 'vitest';
import { parseVisitorFrame } from './frames';
import { applyFrame, initialChatState, maskedKinds, maskedNotice, unreadCount } from './chat-state';
import { t } from './i18n';

const msg = (seq: number, kind: 'visitor' | 'agent' = 'agent', masked: string[] = []) => ({
  type: 'message',
  id: `m${seq}`,
  conversationId: 'c1',
  seq,
  sender: { kind, id: kind === 'agent' ? 'a1' : 'v1', name: kind === 'agent' ? 'Ada' : null },
  text: `text ${seq}`,
  masked,
  createdAt: 1000 + seq,
});

const parse = (v: unknown) => {
  const f = parseVisitorFrame(JSON.stringify(v));
  if (!f) throw new Error('frame rejected');
  return f;
};

describe('parseVisitorFrame', () => {
  it("keeps a server line's code and parameters, only on system messages", () => {
    const line = { code: 'joined', params: { name: 'Sam', n: 3 } };
    const sys = { ...msg(4), sender: { kind: 'system', id: null, name: null }, system: line };
    expect(parse(sys)).toMatchObject({ system: { code: 'joined', params: { name: 'Sam' } } });
    expect(parse({ ...msg(5), system: line })).not.toHaveProperty('system');
    expect(parse({ ...sys, system: { code: 'unknown', params: {} } })).not.toHaveProperty('system');
  });

  it('parses the frames the widget handles', () => {
    expect(parse(msg(1))).toMatchObject({ type: 'message', seq: 1, sender: { kind: 'agent' } });
    expect(parse({ type: 'ack', clientMsgId: 'x', conversationId: 'c1', seq: 2 })).toEqual({
      type: 'ack',
      clientMsgId: 'x',
      conversationId: 'c1',
      seq: 2,
    });
    expect(
      parse({ type: 'error', code: 'rate_limited', message: 'slow', clientMsgId: 'x' }),
    ).toMatchObject({ clientMsgId: 'x' });
  });

  it('rejects malformed JSON, wrong field types and unknown types', () => {
    expect(parseVisitorFrame('{')).toBeNull();
    expect(parseVisitorFrame(JSON.stringify({ ...msg(1), seq: -1 }))).toBeNull();
    expect(parseVisitorFrame(JSON.stringify({ ...msg(1), masked: [1] }))).toBeNull();
    expect(parseVisitorFrame(JSON.stringify({ type: 'ack', clientMsgId: 'x' }))).toBeNull();
    expect(
      parseVisitorFrame(JSON.stringify({ type: 'conversation', conversation: {} })),
    ).toBeNull();
    expect(parseVisitorFrame(JSON.stringify({ type: 'mystery' }))).toBeNull();
  });
});

describe('applyFrame', () => {
  const pending = [{ clientMsgId: 'p1', conversationId: 'c1', text: 'hi', createdAt: 1 }];

  it('orders messages by seq and shows a replayed message once', () => {
    let s = initialChatState('c1', []);
    s = applyFrame(s, parse(msg(2)));
    s = applyFrame(s, parse(msg(1)));
    s = applyFrame(s, parse(msg(2)));
    expect(s.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(s.lastSeq).toBe(2);
  });

  it('ignores frames of other conversations', () => {
    const s = applyFrame(initialChatState('c1', []), parse({ ...msg(1), conversationId: 'c2' }));
    expect(s.messages).toEqual([]);
  });

  it('clears a pending message on ack', () => {
    const s = applyFrame(
      initialChatState('c1', pending),
      parse({ type: 'ack', clientMsgId: 'p1', conversationId: 'c1', seq: 5 }),
    );
    expect(s.pending).toEqual([]);
  });

  it('replaces text on redact and keeps the masked kinds', () => {
    let s = applyFrame(initialChatState('c1', []), parse(msg(1, 'visitor')));
    s = applyFrame(
      s,
      parse({
        type: 'redact',
        conversationId: 'c1',
        seq: 1,
        text: 'card •••• 4242',
        masked: ['card_number'],
      }),
    );
    expect(s.messages[0]).toMatchObject({ text: 'card •••• 4242', masked: ['card_number'] });
  });

  it('ends the conversation when a conversation frame says it was closed', () => {
    const s = applyFrame(
      initialChatState('c1', []),
      parse({ type: 'conversation', conversation: { id: 'c1', status: 'closed' } }),
    );
    expect(s.closed).toBe(true);
    expect(
      applyFrame(
        initialChatState('c1', []),
        parse({ type: 'conversation', conversation: { id: 'c2', status: 'closed' } }),
      ).closed,
    ).toBe(false);
  });

  it('shows and clears the agent typing indicator', () => {
    let s = applyFrame(
      initialChatState('c1', []),
      parse({ type: 'typing', conversationId: 'c1', from: 'agent', typing: true }),
    );
    expect(s.agentTyping).toBe(true);
    s = applyFrame(s, parse(msg(1)));
    expect(s.agentTyping).toBe(false);
    s = applyFrame(
      s,
      parse({ type: 'typing', conversationId: 'c1', from: 'visitor', typing: true }),
    );
    expect(s.agentTyping).toBe(false);
  });

  it('moves a message to failed on a final error and keeps it pending on a transient one', () => {
    const transient = applyFrame(
      initialChatState('c1', pending),
      parse({ type: 'error', code: 'rate_limited', message: 'slow', clientMsgId: 'p1' }),
    );
    expect(transient.pending).toHaveLength(1);
    const final = applyFrame(
      initialChatState('c1', pending),
      parse({ type: 'error', code: 'conversation_closed', message: 'closed', clientMsgId: 'p1' }),
    );
    expect(final.pending).toEqual([]);
    expect(final.failed).toEqual([
      { clientMsgId: 'p1', text: 'hi', reason: 'closed', code: 'conversation_closed' },
    ]);
    expect(final.closed).toBe(true);
  });
});

describe('notices and unread', () => {
  it('explains a hidden card number and other hidden data', () => {
    expect(maskedNotice([])).toBeNull();
    expect(t(maskedNotice(['card_number'])!)).toMatch(/card number was hidden/);
    expect(t(maskedNotice(['api_key'])!)).toMatch(/Sensitive information/);
  });

  it('counts agent messages after the read mark', () => {
    let s = initialChatState('c1', []);
    for (const f of [msg(1), msg(2, 'visitor'), msg(3), msg(4)]) s = applyFrame(s, parse(f));
    expect(unreadCount(s.messages, 1)).toBe(2);
    expect(unreadCount(s.messages, 4)).toBe(0);
  });
});

describe('locally masked messages', () => {
  it('keeps the kinds the widget masked before sending once the message is acknowledged', () => {
    const pending = [
      {
        clientMsgId: 'p1',
        conversationId: 'c1',
        text: 'card •••• 4242',
        createdAt: 1,
        masked: ['pan'],
      },
    ];
    let s = applyFrame(
      initialChatState('c1', pending),
      parse({ type: 'ack', clientMsgId: 'p1', conversationId: 'c1', seq: 4 }),
    );
    s = applyFrame(s, parse({ ...msg(4, 'visitor'), text: 'card •••• 4242' }));
    expect(s.localMasked).toEqual({ 4: ['pan'] });
    expect(maskedKinds(s, s.messages[0]!)).toEqual(['pan']);
    expect(t(maskedNotice(maskedKinds(s, s.messages[0]!))!)).toMatch(/card number was hidden/);
  });
});
