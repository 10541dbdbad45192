import { describe, expect, it } from 'vitest';
import { fillCannedReply, searchCannedReplies } from './desk';

const vars = { 'visitor.name': 'Vera', 'agent.name': 'Ada', 'organisation.name': 'Acme' };

describe('canned replies', () => {
  it('fill the known variables and leave unknown ones as written', () => {
    expect(
      fillCannedReply(
        'Hi {{visitor.name}}, {{ agent.name }} of {{organisation.name}} {{x.y}}',
        vars,
      ),
    ).toBe('Hi Vera, Ada of Acme {{x.y}}');
  });

  it('are searched by every word, the matching shortcut first', () => {
    const replies = [
      { shortcut: 'shipping', title: 'Where is my refund parcel', body: 'Tracking…' },
      { shortcut: 'refund', title: 'Refund policy', body: 'Within 14 days' },
      { shortcut: 'hello', title: 'Greeting', body: 'Hello' },
    ];
    expect(searchCannedReplies(replies, '/refund').map((r) => r.shortcut)).toEqual([
      'refund',
      'shipping',
    ]);
    expect(searchCannedReplies(replies, 'refund days').map((r) => r.shortcut)).toEqual(['refund']);
    expect(searchCannedReplies(replies, '')).toHaveLength(3);
  });
});
