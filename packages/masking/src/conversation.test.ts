import { describe, expect, it } from 'vitest';
import { createConversationMasker } from './index';

describe('createConversationMasker', () => {
  it('redacts the earlier half of a card split over two messages', () => {
    const m = createConversationMasker<string>();
    expect(m.process('visitor', 'my card is 4000 0566', 'a').redacted).toEqual([]);
    const r = m.process('visitor', '5566 5556', 'b');
    expect(r.text).toBe('•••• 5556');
    expect(r.redacted).toEqual([{ ref: 'a', text: 'my card is •••• ••••', findings: [{ type: 'pan', start: 11, end: 20 }] }]);
  });

  it('redacts a card split over four messages, across the other party talking', () => {
    const m = createConversationMasker<number>();
    const finals: string[] = [];
    ['5555', '5555', '5555', '4444'].forEach((piece, i) => {
      m.process('agent', 'go on', -1);
      const r = m.process('visitor', piece, i);
      finals[i] = r.text;
      for (const x of r.redacted) finals[x.ref] = x.text;
    });
    expect(finals).toEqual(['••••', '••••', '••••', '4444']);
  });

  it('masks an expiry and a CVV sent in the messages after a card', () => {
    const m = createConversationMasker<number>();
    m.process('visitor', '4242 4242 4242 4242', 0);
    expect(m.process('visitor', '12/29', 1).text).toBe('[expiry hidden]');
    expect(m.process('visitor', '123', 2).text).toBe('[CVV hidden]');
  });

  it('does not join pieces from different senders', () => {
    const m = createConversationMasker<number>();
    m.process('visitor', '4242 4242', 0);
    const r = m.process('agent', '4242 4242', 1);
    expect(r).toEqual({ text: '4242 4242', findings: [], redacted: [] });
  });

  it('does not join pieces separated by a message with words', () => {
    const m = createConversationMasker<number>();
    m.process('visitor', '4242 4242', 0);
    m.process('visitor', 'hold on', 1);
    expect(m.process('visitor', '4242 4242', 2).redacted).toEqual([]);
  });

  it('shows BIN and last four when the organisation asks for it', () => {
    const m = createConversationMasker<number>({ panDisplay: 'bin_last4' });
    expect(m.process('visitor', '5555555555554444', 0).text).toBe('5555 55•• •••• 4444');
  });

  it('throws instead of returning raw text on bad input', () => {
    const m = createConversationMasker<number>();
    expect(() => m.process('visitor', 42 as unknown as string, 0)).toThrow();
  });
});
