import { describe, expect, it } from 'vitest';
import { ConsoleOutbox, type OutboxStorage } from './outbox';

function memory(): OutboxStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get: (k) => map.get(k) ?? null,
    set: (k, v) => void map.set(k, v),
    remove: (k) => void map.delete(k),
  };
}

describe('the console outbox', () => {
  it('keeps unacknowledged replies masked across page views, per agent, until acked', () => {
    const storage = memory();
    const first = new ConsoleOutbox(storage, 'agent-1');
    first.add('c1', 'Card 4242 4242 4242 4242 noted', 'm-1');
    first.add('c1', 'Second reply', 'm-2');
    expect([...storage.map.values()].join('')).not.toContain('4242 4242');

    // A reload: the same ids come back, to be sent again (the server dedupes by clientMsgId).
    const reloaded = new ConsoleOutbox(storage, 'agent-1');
    expect(reloaded.list().map((e) => e.clientMsgId)).toEqual(['m-1', 'm-2']);
    expect(new ConsoleOutbox(storage, 'agent-2').list()).toEqual([]);
    reloaded.remove('m-1');
    expect(new ConsoleOutbox(storage, 'agent-1').list().map((e) => e.text)).toEqual([
      'Second reply',
    ]);
    reloaded.clear();
    expect(storage.map.size).toBe(0);
  });

  it('drops a corrupt stored outbox instead of failing', () => {
    const storage = memory();
    storage.set('parley:console:v1:a:outbox', '{not json');
    expect(new ConsoleOutbox(storage, 'a').list()).toEqual([]);
    expect(storage.map.size).toBe(0);
  });
});
