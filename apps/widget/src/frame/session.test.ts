import { describe, expect, it } from 'vitest';
import { pickConversation, VisitorStore } from './session';
import { memoryStore } from './storage';

describe('VisitorStore', () => {
  it('keeps the token per organisation and drops it when expired', () => {
    const store = memoryStore();
    let now = 1000;
    const a = new VisitorStore(store, 'org-a', () => now);
    a.saveSession({ token: 't'.repeat(20), visitorId: 'v1', expiresAt: 2000, verified: false });
    expect(new VisitorStore(store, 'org-b', () => now).session()).toBeNull();
    expect(a.session()?.visitorId).toBe('v1');
    now = 2000;
    expect(a.session()).toBeNull();
    expect(store.get('parley:v1:org-a:session')).toBeNull();
  });

  it('remembers the read mark and locally masked seqs for the current conversation only', () => {
    const s = new VisitorStore(memoryStore(), 'org');
    s.saveConversation('c1', { readSeq: 7, masked: { 3: ['pan'] } });
    expect(s.conversation('c1')).toEqual({ readSeq: 7, masked: { 3: ['pan'] } });
    expect(s.conversation('c2')).toEqual({ readSeq: 0, masked: {} });
  });
});

describe('pickConversation', () => {
  it('prefers the open conversation, else the latest closed one', () => {
    const c = (id: string, status: 'waiting' | 'active' | 'closed', createdAt: number) => ({
      id,
      status,
      lastSeq: 0,
      createdAt,
    });
    expect(pickConversation([c('old', 'closed', 1), c('open', 'active', 0)])?.id).toBe('open');
    expect(pickConversation([c('a', 'closed', 1), c('b', 'closed', 5)])?.id).toBe('b');
    expect(pickConversation([])).toBeNull();
  });
});
