import { describe, expect, it } from 'vitest';
import type { ConversationSummary, ServerFrame, Transfer } from '@parley/protocol';
import { alertFor, deskTitle } from './notify';
import { applyServerFrame, emptyState, upsertConversations, type ConsoleState } from './state';

const conv = (
  id: string,
  status: ConversationSummary['status'],
  agentId: string | null,
): ConversationSummary => ({
  id,
  status,
  visitor: { id: `v-${id}`, name: 'Vera', verified: false },
  teamId: null,
  agent: agentId ? { id: agentId, name: agentId } : null,
  lastSeq: 0,
  createdAt: 1,
  updatedAt: 1,
});
const message = (conversationId: string, seq: number, kind = 'visitor' as const): ServerFrame => ({
  type: 'message',
  id: `m${seq}`,
  conversationId,
  seq,
  sender: { kind, id: 'x', name: null },
  text: `secret text ${seq}`,
  masked: [],
  createdAt: seq,
});
const ctx = { meId: 'me', teams: [], replaying: false, visible: true };
const withConvs = (...list: ConversationSummary[]): ConsoleState =>
  upsertConversations(emptyState, list);

describe('desk alerts', () => {
  it('alerts a new waiting chat once, not when it was already waiting', () => {
    const frame: ServerFrame = { type: 'conversation', conversation: conv('c1', 'waiting', null) };
    expect(alertFor(emptyState, frame, ctx)?.event).toBe('waiting');
    expect(alertFor(withConvs(conv('c1', 'waiting', null)), frame, ctx)).toBeNull();
  });

  it('alerts an assignment to me unless I am looking at it', () => {
    const frame: ServerFrame = { type: 'conversation', conversation: conv('c1', 'active', 'me') };
    const state = withConvs(conv('c1', 'waiting', null));
    expect(alertFor(state, frame, ctx)?.event).toBe('assigned');
    expect(alertFor({ ...state, selectedId: 'c1' }, frame, ctx)).toBeNull();
    expect(alertFor({ ...state, selectedId: 'c1' }, frame, { ...ctx, visible: false })?.event).toBe(
      'assigned',
    );
    const other: ServerFrame = { type: 'conversation', conversation: conv('c1', 'active', 'bob') };
    expect(alertFor(state, other, ctx)).toBeNull();
  });

  it('alerts a new visitor message in my chat, never its text, never on a replay', () => {
    const state = withConvs(conv('c1', 'active', 'me'), conv('c2', 'active', 'bob'));
    const alert = alertFor(state, message('c1', 1), ctx);
    expect(alert).toMatchObject({ event: 'message', title: 'New message from Vera' });
    expect(JSON.stringify(alert)).not.toContain('secret text');
    expect(alertFor(state, message('c1', 1), { ...ctx, replaying: true })).toBeNull();
    expect(alertFor(state, message('c1', 1, 'agent' as 'visitor'), ctx)).toBeNull();
    expect(alertFor(state, message('c2', 1), ctx)).toBeNull();
    expect(alertFor({ ...state, selectedId: 'c1' }, message('c1', 1), ctx)).toBeNull();
    const seen = applyServerFrame(state, message('c1', 1));
    expect(alertFor(seen, message('c1', 1), ctx)).toBeNull();
  });

  it('alerts a transfer offered to me or my team, once', () => {
    const t: Transfer = {
      id: 't1',
      conversationId: 'c1',
      from: { id: 'bob', name: 'Bob' },
      toAgent: { id: 'me', name: 'Me' },
      toTeam: null,
      note: '',
      status: 'pending',
      createdAt: 1,
      expiresAt: 2,
      resolvedAt: null,
      resolvedBy: null,
    };
    const frame: ServerFrame = { type: 'transfer', conversationId: 'c1', transfer: t };
    const state = withConvs(conv('c1', 'active', 'bob'));
    expect(alertFor(state, frame, ctx)?.event).toBe('transfer');
    expect(alertFor(applyServerFrame(state, frame), frame, ctx)).toBeNull();
    const toTeam = { ...frame, transfer: { ...t, toAgent: null, toTeam: { id: 'T', name: 'T' } } };
    expect(alertFor(state, toTeam, ctx)).toBeNull();
    const team = { id: 'T', memberIds: ['me'] } as unknown as (typeof ctx.teams)[number];
    expect(alertFor(state, toTeam, { ...ctx, teams: [team] })?.event).toBe('transfer');
  });

  it('puts what waits in the tab title', () => {
    expect(deskTitle(0, {})).toBe('Parley console');
    expect(deskTitle(2, {})).toBe('(2 waiting) Parley console');
    expect(deskTitle(1, { a: 2, b: 1 })).toBe('(1 waiting, 3 unread) Parley console');
    expect(deskTitle(0, { a: 1 })).toBe('(1 unread) Parley console');
  });
});
