import { describe, expect, it } from 'vitest';
import { createConversationMasker } from './index';

describe('createConversationMasker', () => {
  it('redacts the earlier half of a card split over two messages', () => {
    const m = createConversationMasker<string>();
    expect(m.process('visitor', 'my card is 4000 0566', 'a').redacted).toEqual([]);
    const r = m.process('visitor', '5566 5556', 'b');
    expect(r.text).toBe('•••• 5556');
    expect(r.redacted).toEqual([
      { ref: 'a', text: 'my card is •••• ••••', findings: [{ type: 'pan', start: 11, end: 20 }] },
    ]);
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

/** Digits still readable in a text (ASCII only; these tests write ASCII). */
const digitsIn = (text: string): string => text.replace(/\D/g, '');

/** Sends one sender's messages; the final texts (after redactions) and the findings of each. */
function send(texts: readonly string[]): { finals: string[]; types: string[][] } {
  const m = createConversationMasker<number>();
  const finals: string[] = [];
  const types: string[][] = [];
  texts.forEach((text, i) => {
    const r = m.process('visitor', text, i);
    finals[i] = r.text;
    types[i] = r.findings.map((f) => f.type);
    for (const x of r.redacted) {
      finals[x.ref] = x.text;
      types[x.ref] = x.findings.map((f) => f.type);
    }
  });
  return { finals, types };
}

describe('a second card split across the messages after a card', () => {
  // Its first pieces were read as CVVs of the first card one by one, so the second card was never
  // joined: its digits 5-8 stayed visible beside its last four.
  it('regression: "sorry wrong one, it is 5200 8282" then "8282 8210" after a card', () => {
    const { finals, types } = send([
      'card 4242424242424242',
      'sorry wrong one, it is 5200 8282',
      '8282 8210',
    ]);
    expect(finals).toEqual([
      'card •••• •••• •••• 4242',
      'sorry wrong one, it is •••• ••••',
      '•••• 8210',
    ]);
    expect(types[1]).toEqual(['pan']);
    expect(types[2]).toEqual(['pan']);
    expect(digitsIn(finals.slice(1).join(''))).toBe('8210');
  });

  it('regression: "4242 4242 4242 4242", "the number is 5555 5555", "5555 4444"', () => {
    const { finals, types } = send(['4242 4242 4242 4242', 'the number is 5555 5555', '5555 4444']);
    expect(finals).toEqual(['•••• •••• •••• 4242', 'the number is •••• ••••', '•••• 4444']);
    expect(types[1]).toEqual(['pan']);
    expect(types[2]).toEqual(['pan']);
    expect(digitsIn(finals.slice(1).join(''))).toBe('4444');
  });

  it('regression: the second card in bare pieces of four, one message each', () => {
    const { finals, types } = send(['card 4242424242424242', '5200', '8282', '8282', '8210']);
    expect(finals.slice(1)).toEqual(['••••', '••••', '••••', '8210']);
    expect(types.slice(1)).toEqual([['pan'], ['pan'], ['pan'], ['pan']]);
  });

  it('a genuine CVV and expiry after a card are still hidden as such', () => {
    expect(send(['card 4242424242424242', 'cvc 123']).finals[1]).toBe('cvc [CVV hidden]');
    expect(send(['card 4242424242424242', '123']).finals[1]).toBe('[CVV hidden]');
    expect(send(['card 4242424242424242', '12/29']).finals[1]).toBe('[expiry hidden]');
    expect(send(['card 4242424242424242', '12/29', '123']).finals).toEqual([
      'card •••• •••• •••• 4242',
      '[expiry hidden]',
      '[CVV hidden]',
    ]);
  });
});
