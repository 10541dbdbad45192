import { describe, expect, it } from 'vitest';
import { NEGATIVE, POSITIVE } from '../test/corpus';
import { maskText } from './index';

const ND = /\p{Nd}/gu;
const NUMBER_WORDS = /\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b/giu;

/** Every digit left in the masked text, in order, as ASCII. */
function remainingDigits(text: string): string {
  const asDigits = text.replace(NUMBER_WORDS, (w) =>
    String('zoottffssen'.indexOf(w[0]?.toLowerCase() ?? 'x')),
  );
  return (asDigits.match(ND) ?? []).map((d) => String(d.codePointAt(0)! & 0xf)).join('');
}

describe('detection corpus', () => {
  it.each(POSITIVE.map((c) => [c.name, c] as const))('masks %s', (_name, c) => {
    const out = maskText(c.text);
    expect(out.findings.map((f) => f.type).sort()).toEqual(
      expect.arrayContaining([...c.expect].sort()),
    );
    expect(out.text).not.toBe(c.text);
    if (c.pan !== undefined) {
      // Only the last four may survive: the first twelve digits never appear in a row.
      expect(remainingDigits(out.text)).not.toContain(c.pan.slice(0, 8));
      expect(out.text).toContain(c.pan.slice(-4));
    }
    for (const f of out.findings) expect(f.end).toBeGreaterThan(f.start);
  });

  it.each(NEGATIVE.map((c) => [c.name, c] as const))('leaves %s alone', (_name, c) => {
    expect(maskText(c.text)).toEqual({ text: c.text, findings: [] });
  });
});
