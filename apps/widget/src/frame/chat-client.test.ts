import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VisitorChat } from './chat-client';
import { Outbox } from './outbox';
import type { SocketLike } from '@parley/realtime-client';
import { memoryStore } from './storage';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  frame(f: object) {
    this.onmessage?.({ data: JSON.stringify(f) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006 });
  }
}

const TOKEN = 'visitor-token-0123456789';

function setup(store = memoryStore()) {
  const sockets: FakeSocket[] = [];
  let n = 0;
  const outbox = new Outbox(store, 'outbox');
  const chat = new VisitorChat({
    wsUrl: 'ws://x/ws/visitor',
    token: TOKEN,
    conversationId: 'c1',
    outbox,
    onChange: () => {},
    onFatal: () => {},
    createSocket: () => (sockets.push(new FakeSocket()), sockets.at(-1)!),
    newId: () => `id-${++n}`,
  });
  return { chat, sockets, outbox, store };
}

function connect(s: FakeSocket, lastSeq = 0) {
  s.open();
  s.frame({ type: 'ready', role: 'visitor', id: 'v1' });
  s.frame({ type: 'resumed', conversationId: 'c1', lastSeq });
}

describe('VisitorChat', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('authenticates first, then resumes after the last seen seq', () => {
    const { chat, sockets } = setup();
    chat.start();
    sockets[0]!.open();
    expect(sockets[0]!.sent[0]).toEqual({ type: 'auth', token: TOKEN });
    sockets[0]!.frame({ type: 'ready', role: 'visitor', id: 'v1' });
    expect(sockets[0]!.sent[1]).toEqual({ type: 'resume', conversationId: 'c1', afterSeq: 0 });
    sockets[0]!.frame({
      type: 'message',
      id: 'm3',
      conversationId: 'c1',
      seq: 3,
      sender: { kind: 'agent', id: 'a', name: 'A' },
      text: 'hi',
      masked: [],
      createdAt: 1,
    });
    sockets[0]!.drop();
    vi.advanceTimersByTime(1000);
    sockets[1]!.open();
    sockets[1]!.frame({ type: 'ready', role: 'visitor', id: 'v1' });
    expect(sockets[1]!.sent[1]).toEqual({ type: 'resume', conversationId: 'c1', afterSeq: 3 });
  });

  it('keeps a message written offline and sends it after the resume', () => {
    const { chat, sockets } = setup();
    chat.start();
    chat.send('written while connecting');
    expect(chat.state.pending).toHaveLength(1);
    connect(sockets[0]!);
    expect(sockets[0]!.sent.at(-1)).toEqual({
      type: 'send',
      clientMsgId: 'id-1',
      conversationId: 'c1',
      text: 'written while connecting',
    });
  });

  it('re-sends an unacknowledged message with the same clientMsgId after a drop, and forgets it on ack', () => {
    const { chat, sockets, outbox } = setup();
    chat.start();
    connect(sockets[0]!);
    chat.send('hello');
    sockets[0]!.drop();
    vi.advanceTimersByTime(1000);
    connect(sockets[1]!);
    const resent = sockets[1]!.sent.filter((f) => f.type === 'send');
    expect(resent).toEqual([
      { type: 'send', clientMsgId: 'id-1', conversationId: 'c1', text: 'hello' },
    ]);
    sockets[1]!.frame({ type: 'ack', clientMsgId: 'id-1', conversationId: 'c1', seq: 1 });
    expect(outbox.list()).toEqual([]);
    expect(chat.state.pending).toEqual([]);
  });

  it('survives a reload: a new client re-sends what the old one left in the outbox', () => {
    const first = setup();
    first.chat.start();
    first.chat.send('before reload');
    first.chat.stop();
    const second = setup(first.store);
    expect(second.chat.state.pending.map((p) => p.text)).toEqual(['before reload']);
    second.chat.start();
    connect(second.sockets[0]!);
    expect(second.sockets[0]!.sent.filter((f) => f.type === 'send')).toEqual([
      { type: 'send', clientMsgId: 'id-1', conversationId: 'c1', text: 'before reload' },
    ]);
  });

  it('throttles typing frames and sends stop after idle', () => {
    const { chat, sockets } = setup();
    chat.start();
    connect(sockets[0]!);
    chat.setTyping(true);
    chat.setTyping(true);
    expect(sockets[0]!.sent.filter((f) => f.type === 'typing')).toEqual([
      { type: 'typing', conversationId: 'c1', typing: true },
    ]);
    vi.advanceTimersByTime(4000);
    expect(sockets[0]!.sent.filter((f) => f.type === 'typing').at(-1)).toEqual({
      type: 'typing',
      conversationId: 'c1',
      typing: false,
    });
  });

  // Regression (issue 11, the cross-site stall): a retryable refusal on a socket that stays open
  // left the first message pending (or failed, for store_unavailable) until a reconnect that never
  // came; the browser test waited past 30 s for its ack.
  it('regression: a send refused with store_unavailable is sent again with its clientMsgId, not failed', () => {
    const { chat, sockets, outbox } = setup();
    chat.start();
    connect(sockets[0]!);
    chat.send('hello');
    sockets[0]!.frame({
      type: 'error',
      code: 'store_unavailable',
      message: 'Try again.',
      clientMsgId: 'id-1',
      conversationId: 'c1',
    });
    expect(chat.state.failed).toEqual([]);
    expect(chat.state.pending.map((p) => p.clientMsgId)).toEqual(['id-1']);
    vi.advanceTimersByTime(1000);
    const sends = sockets[0]!.sent.filter((f) => f.type === 'send');
    expect(sends).toEqual([
      { type: 'send', clientMsgId: 'id-1', conversationId: 'c1', text: 'hello' },
      { type: 'send', clientMsgId: 'id-1', conversationId: 'c1', text: 'hello' },
    ]);
    sockets[0]!.frame({ type: 'ack', clientMsgId: 'id-1', conversationId: 'c1', seq: 1 });
    expect(outbox.list()).toEqual([]);
    vi.advanceTimersByTime(60_000);
    expect(sockets[0]!.sent.filter((f) => f.type === 'send')).toHaveLength(2);
  });

  it('regression: a resume refused with a retryable error is asked again, then the outbox is sent', () => {
    const { chat, sockets } = setup();
    chat.start();
    const s = sockets[0]!;
    s.open();
    s.frame({ type: 'ready', role: 'visitor', id: 'v1' });
    chat.send('first message');
    s.frame({ type: 'error', code: 'internal_error', message: 'x', conversationId: 'c1' });
    expect(s.sent.filter((f) => f.type === 'send')).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(s.sent.filter((f) => f.type === 'resume')).toHaveLength(2);
    s.frame({ type: 'resumed', conversationId: 'c1', lastSeq: 0 });
    expect(s.sent.filter((f) => f.type === 'send')).toEqual([
      { type: 'send', clientMsgId: 'id-1', conversationId: 'c1', text: 'first message' },
    ]);
  });

  it('a final refusal still ends the send: shown failed, never sent again', () => {
    const { chat, sockets, outbox } = setup();
    chat.start();
    connect(sockets[0]!);
    chat.send('hello');
    sockets[0]!.frame({
      type: 'error',
      code: 'conversation_closed',
      message: 'Closed.',
      clientMsgId: 'id-1',
      conversationId: 'c1',
    });
    expect(chat.state.failed.map((f) => f.clientMsgId)).toEqual(['id-1']);
    expect(outbox.list()).toEqual([]);
    vi.advanceTimersByTime(60_000);
    expect(sockets[0]!.sent.filter((f) => f.type === 'send')).toHaveLength(1);
  });
});
