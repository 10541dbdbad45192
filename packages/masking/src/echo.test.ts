import { describe, expect, it } from 'vitest';
import { createConversationMasker, maskText } from './index';
import type { MaskOptions } from './index';

// The widget masks before sending; the server must still report what was hidden.
describe('masked forms met again (widget-masked text)', () => {
  it.each([
    ['last4', { panDisplay: 'last4' }],
    ['bin_last4', { panDisplay: 'bin_last4' }],
    ['none', { panDisplay: 'none' }],
  ] as const)(
    'reports a card the masker hid with panDisplay %s, text unchanged',
    (_name, options: MaskOptions) => {
      const once = maskText('card 4242 4242 4242 4242 thanks', options);
      const again = maskText(once.text);
      expect(again.text).toBe(once.text);
      expect(again.findings).toEqual(once.findings);
    },
  );

  it('reports each built-in placeholder as its type', () => {
    const text =
      'exp [expiry hidden] cvv [CVV hidden] [IBAN hidden] [SSN hidden] [NI number hidden] [email hidden] [phone hidden] [private key hidden]';
    const r = maskText(text);
    expect(r.text).toBe(text);
    expect(r.findings.map((f) => f.type)).toEqual([
      'expiry',
      'cvv',
      'iban',
      'ssn',
      'uk_nino',
      'email',
      'phone',
      'private_key',
    ]);
    for (const f of r.findings) expect(text.slice(f.start, f.end)).toMatch(/^\[.* hidden\]$/);
  });

  it('reports shared placeholders by family and custom ones by the organisation rule', () => {
    const options: MaskOptions = {
      customRules: [{ id: 'order', pattern: 'ORD-[0-9]{6}', label: 'order number' }],
    };
    const r = maskText(
      '[API key hidden] [token hidden] [order number hidden] [nothing hidden]',
      options,
    );
    expect(r.findings.map((f) => f.type)).toEqual(['api_key', 'token', 'custom:order']);
  });

  it('re-masks whole widget output: full round trip of a mixed message is stable', () => {
    const first = maskText('4242 4242 4242 4242 exp 12/29 cvv 123, mail me at a@example.com', {
      rules: { email: true },
    });
    const second = maskText(first.text, { rules: { email: true } });
    expect(second).toEqual(first);
  });

  it('still masks a real card next to a masked one', () => {
    const r = maskText('•••• •••• •••• 4242 and 5555 5555 5555 4444');
    expect(r.text).toBe('•••• •••• •••• 4242 and •••• •••• •••• 4444');
    expect(r.findings.map((f) => f.type)).toEqual(['pan', 'pan']);
  });

  it('treats a widget-masked card as card context: the CVV in the next message is hidden', () => {
    const m = createConversationMasker<number>();
    m.process('visitor', 'my card •••• •••• •••• 4242', 0);
    const r = m.process('visitor', '737', 1);
    expect(r.text).toBe('[CVV hidden]');
    expect(r.redacted).toEqual([]);
  });

  it('never joins the digits of a masked card with a later message', () => {
    const m = createConversationMasker<number>();
    m.process('visitor', '•••• •••• •••• 4242', 0);
    const r = m.process('visitor', 'ok thanks', 1);
    expect(r.redacted).toEqual([]);
  });

  it('leaves list bullets and short dots alone', () => {
    for (const text of ['• item one\n• item two', 'rated •••', 'pin is ••• ok'])
      expect(maskText(text)).toEqual({ text, findings: [] });
  });

  it('a new secret overlapping a masked card wins, so no text is lost', () => {
    const r = maskText('•••• •••• •••• 4242 555 1234', { rules: { phone: true } });
    expect(r.text).not.toContain('555 1234');
    expect(r.findings).toHaveLength(1);
  });
});
