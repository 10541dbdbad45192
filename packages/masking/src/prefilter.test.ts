import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { POSITIVE, NEGATIVE } from '../test/corpus';
import { maskText } from './index';
import { BARE, CLEAN, prefilter, SCAN } from './prefilter';
import { compileOptions, finish, prepare } from './scan';
import type { MaskOptions, MaskResult } from './types';

/** The full scan, without the prefilter: what maskText must always agree with. */
function fullScan(text: string, options?: MaskOptions): MaskResult {
  const c = compileOptions(options);
  const done = finish(prepare(text, c), c, { afterCard: false, afterPanEnd: false });
  return { text: done.text, findings: done.findings };
}

const piece = fc.oneof(
  fc.constantFrom(
    'hello',
    'thanks',
    'the',
    'order',
    'oh',
    'one',
    'two',
    'four',
    'Nine',
    'double',
    'triple',
    'ſix',
    'cvv',
    'exp',
    'code',
    'valid thru',
  ),
  fc.constantFrom(
    'GB82',
    'AB 12',
    'DE89 3704',
    'AKIA',
    'AIza',
    'eyJ',
    'sk-',
    'xoxb-',
    'npm_',
    'a@b.co',
    '••••',
    '•',
    '[CVV hidden]',
    '[token hidden]',
    'PRIVATE KEY',
  ),
  fc.integer({ min: 0, max: 99999 }).map(String),
  fc.constantFrom('٤٢', '４２４２', '𝟒𝟐', '🙂', ' ', '-', '/', '.', '\n', '%20', '<b>', '&nbsp;'),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);

describe('prefilter', () => {
  it('agrees with the full scan on random chat-like text', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 24 }),
        fc.constantFrom(' ', '', '-', ' '),
        (parts, sep) => {
          const text = parts.join(sep);
          expect(maskText(text)).toEqual(fullScan(text));
          expect(maskText(text, { rules: { email: true, uk_nino: false } })).toEqual(
            fullScan(text, { rules: { email: true, uk_nino: false } }),
          );
        },
      ),
      { numRuns: 4000 },
    );
  });

  it('sends every corpus case that masks something to a scan', () => {
    const c = compileOptions(undefined);
    for (const k of POSITIVE) expect([CLEAN, BARE]).not.toContain(prefilter(k.text, c));
    for (const k of [...POSITIVE, ...NEGATIVE]) expect(maskText(k.text)).toEqual(fullScan(k.text));
  });

  it('passes ordinary messages without a scan, and scans when options add rules', () => {
    const c = compileOptions(undefined);
    expect(prefilter('Hi, could you help me with my order? It arrived damaged.', c)).toBe(BARE);
    expect(prefilter('I ordered one box at 10:30', c)).toBe(CLEAN);
    expect(prefilter('seven five five five five five five five five four four four four', c)).toBe(
      SCAN,
    );
    expect(prefilter('hello', compileOptions({ rules: { phone: true } }))).toBe(SCAN);
    expect(
      prefilter('hello', compileOptions({ customRules: [{ id: 'x', pattern: 'hel+o' }] })),
    ).toBe(SCAN);
  });

  it('regression: a digit word written with a long s ("ſix") was deleted from a text with digits', () => {
    expect(fullScan('ſix 100').text).toBe('ſix 100');
    expect(maskText('ſix 100').text).toBe('ſix 100');
  });
});
