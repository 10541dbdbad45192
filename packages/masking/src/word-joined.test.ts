// Issue 9, open class 2: a card whose groups are joined by words within one message ("4242 then
// 4242 then 4242 then 4242") was caught only by the server's held path, not by `maskText` (the
// widget's preview). Regressions, ordinary text that stays, and a property test.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { luhnValid, maskText } from './index';
import { tokenize } from './tokens';

/** Digits a reader could still take from the text, in any notation or as number words. */
const readable = (text: string): number =>
  tokenize(text).tokens.reduce((n, t) => n + t.digits.length, 0);
const types = (text: string): string[] => maskText(text).findings.map((f) => f.type);

describe('a card whose groups are joined by words, in one message', () => {
  it.each([
    ['regression: the issue\u2019s example', '4242 then 4242 then 4242 then 4242'],
    ['"and" between pairs of groups', 'my card: 5555 5555 and 5555 4444 ok'],
    ['several words between groups', 'it is 5555 5555 and the next 5555 4444'],
    ['groups spoken digit by digit', 'four two four two then four two four two then 4242 4242'],
    ['Amex groups 4-6-5', 'amex 3782 then 822463 then 10005'],
  ])('%s is hidden, its last four at most shown', (_name, text) => {
    const out = maskText(text);
    expect(out.findings.map((f) => f.type)).toContain('pan');
    expect(readable(out.text)).toBeLessThanOrEqual(4);
  });

  it('keeps the words between the groups', () => {
    expect(maskText('4242 then 4242 then 4242 then 4242').text).toBe(
      '•••• then •••• then •••• then 4242',
    );
  });

  it.each([
    'order 1234 and 5678',
    'call 555 1234 or 555 9876 please',
    'it was $1,234.56 on 12/05/2024 and 13/05/2024 at 10:30',
    'tracking 1Z999AA10123456784',
    'rooms 101 and 102 and 103',
    'zip 76783 or 68283 or 13908',
    'invoice 4242 then. 5678 9012?',
    'ordered 3 items at 12:30, then 4 more',
  ])('leaves %s alone', (text) => {
    expect(maskText(text)).toEqual({ text, findings: [] });
  });

  it('does not join across the end of a sentence', () => {
    for (const end of ['?', '.', '!', '\n'])
      expect(types(`is it 4242 4242${end} yes 4242 4242`), end).toEqual([]);
  });
});

const WORDS = ['then', 'and', 'next', 'ok', 'dash', 'now', 'and then', 'the next'];
const SEPS = [' ', ', ', ' - ', '\u00a0', ' \u200b'];

describe('a card split into groups joined by words (property)', () => {
  it('is hidden whatever the groups, words and separators', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[2-6][0-9]{14}$/),
        fc.array(fc.integer({ min: 3, max: 6 }), { minLength: 4, maxLength: 4 }),
        fc.array(fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...SEPS)), {
          minLength: 6,
          maxLength: 6,
        }),
        (body, sizes, joins) => {
          let pan = '';
          for (let d = 0; d <= 9; d += 1) if (luhnValid(body + String(d))) pan = body + String(d);
          // Groups of four, some messages with two groups per chain ("5555 5555 and 5555 4444").
          const fours = pan.match(/.{4}/g) ?? [];
          const groups: string[] = [];
          for (let i = 0; i < fours.length; i += 1) {
            const pair = (sizes[i] ?? 3) > 4 && i + 1 < fours.length;
            groups.push(pair ? `${fours[i]} ${fours[i + 1]}` : (fours[i] ?? ''));
            if (pair) i += 1;
          }
          fc.pre(groups.length >= 2);
          const text = groups.reduce((acc, g, i) => {
            if (i === 0) return g;
            const [word, sep] = joins[i % joins.length] ?? ['then', ' '];
            return `${acc}${sep}${word} ${g}`;
          }, '');
          const out = maskText(`card ${text} thanks`);
          expect(out.findings.map((f) => f.type)).toContain('pan');
          expect(readable(out.text)).toBeLessThanOrEqual(4);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
