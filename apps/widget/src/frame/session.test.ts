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

  it("regression: reading an old conversation keeps the current one's read mark", () => {
    const kv = memoryStore();
    const s = new VisitorStore(kv, 'org');
    s.saveConversation('current', { readSeq: 7, masked: { 3: ['pan'] } });
    // "Earlier conversations": the old one is opened and its read mark saved.
    s.saveConversation('old', { readSeq: 2, masked: {} });
    const reloaded = new VisitorStore(kv, 'org');
    expect(reloaded.conversation('current')).toEqual({ readSeq: 7, masked: { 3: ['pan'] } });
    expect(reloaded.conversation('old')).toEqual({ readSeq: 2, masked: {} });
  });

  it('reads the memo stored before memos were kept per conversation', () => {
    const kv = memoryStore();
    kv.set('parley:v1:org:conversation', JSON.stringify({ id: 'c1', readSeq: 4, masked: {} }));
    expect(new VisitorStore(kv, 'org').conversation('c1')).toEqual({ readSeq: 4, masked: {} });
  });

  it('keeps a bounded number of memos, dropping the least recently saved', () => {
    const s = new VisitorStore(memoryStore(), 'org');
    for (let i = 0; i < 20; i++) s.saveConversation(`c${i}`, { readSeq: i + 1, masked: {} });
    expect(s.conversation('c19').readSeq).toBe(20);
    expect(s.conversation('c9').readSeq).toBe(10);
    expect(s.conversation('c8').readSeq).toBe(0);
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
