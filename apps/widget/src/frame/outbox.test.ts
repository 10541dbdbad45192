import { describe, expect, it } from 'vitest';
import { Outbox } from './outbox';
import { memoryStore } from './storage';

const entry = (id: string, conversationId = 'c1') => ({
  clientMsgId: id,
  conversationId,
  text: `hello ${id}`,
  createdAt: 1,
});

describe('Outbox', () => {
  it('survives a reload: entries written by one instance are read by the next', () => {
    const store = memoryStore();
    const a = new Outbox(store, 'k');
    a.add(entry('m1'));
    a.add(entry('m2'));
    const b = new Outbox(store, 'k');
    expect(b.list().map((e) => e.clientMsgId)).toEqual(['m1', 'm2']);
  });

  it('keeps the same clientMsgId so a re-send is deduplicated by the server', () => {
    const store = memoryStore();
    const a = new Outbox(store, 'k');
    a.add(entry('m1'));
    a.add(entry('m1'));
    expect(new Outbox(store, 'k').list()).toEqual([entry('m1')]);
  });

  it('removes an entry on ack and forgets the key when empty', () => {
    const store = memoryStore();
    const a = new Outbox(store, 'k');
    a.add(entry('m1'));
    expect(a.remove('m1')?.clientMsgId).toBe('m1');
    expect(a.remove('m1')).toBeUndefined();
    expect(store.get('k')).toBeNull();
  });

  it('filters by conversation', () => {
    const a = new Outbox(memoryStore(), 'k');
    a.add(entry('m1', 'c1'));
    a.add(entry('m2', 'c2'));
    expect(a.list('c2').map((e) => e.clientMsgId)).toEqual(['m2']);
  });

  it('ignores corrupt storage instead of crashing', () => {
    const store = memoryStore();
    store.set('k', '{not json');
    expect(new Outbox(store, 'k').list()).toEqual([]);
    store.set('k', JSON.stringify([{ clientMsgId: 1 }, entry('ok')]));
    expect(new Outbox(store, 'k').list()).toEqual([entry('ok')]);
  });
});
