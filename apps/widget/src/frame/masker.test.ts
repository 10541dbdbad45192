import { describe, expect, it } from 'vitest';
import { maskText as packageMask } from '@parley/masking';
import { foundCard, maskText } from './masker';

describe('widget masker seam', () => {
  it('masks a documented test card number before it is sent', () => {
    const r = maskText('my card is 4242 4242 4242 4242 thanks');
    expect(r.text).not.toMatch(/4242 4242 4242 4242/);
    expect(r.text).not.toMatch(/\d{5,}/);
    expect(foundCard(r.findings)).toBe(true);
  });

  it('leaves ordinary text and numbers alone', () => {
    const r = maskText('order 12345, call me on 020 7946 0018');
    expect(r.text).toBe('order 12345, call me on 020 7946 0018');
    expect(foundCard(r.findings)).toBe(false);
  });

  it('is the package masker: number words, tens, look-alikes and echoes are hidden the same way', () => {
    for (const text of [
      'card forty two forty two forty two forty two forty two forty two forty two forty two',
      'karte zweiundvierzig zweiundvierzig zweiundvierzig zweiundvierzig 42 42 42 42',
      '4000 OOOO OOOO 0002',
      '•••• 5555.5555.5555.4444',
    ]) {
      const r = maskText(text);
      expect(r).toEqual(packageMask(text));
      expect(foundCard(r.findings)).toBe(true);
    }
  });
});
