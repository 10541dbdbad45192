import { describe, expect, it } from 'vitest';
import { BrandingUpdateSchema } from './branding';
import { AA_CONTRAST, contrastRatio, ensureBrandContrast, luminance } from './contrast';

describe('contrast math (WCAG 2.x)', () => {
  it('gives the published extremes and known pairs', () => {
    expect(luminance('#ffffff')).toBeCloseTo(1, 6);
    expect(luminance('#000000')).toBe(0);
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 6);
    expect(contrastRatio('#ffffff', '#ffffff')).toBe(1);
    // #767676 on white is the well-known lightest grey that passes AA (4.54:1).
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(AA_CONTRAST);
    // Order does not matter.
    expect(contrastRatio('#2563eb', '#ffffff')).toBeCloseTo(contrastRatio('#ffffff', '#2563eb'), 9);
  });

  it('keeps a passing colour as chosen', () => {
    const r = ensureBrandContrast('#1D4ED8');
    expect(r).toMatchObject({ colour: '#1d4ed8', adjusted: false });
    expect(r.ratio).toBeGreaterThanOrEqual(AA_CONTRAST);
  });

  it('darkens a failing colour just enough, keeping its hue', () => {
    for (const chosen of ['#ffff00', '#ffffff', '#7dd3fc', '#f59e0b', '#777777', '#22c55e']) {
      const r = ensureBrandContrast(chosen);
      expect(r.adjusted, chosen).toBe(true);
      expect(r.chosenRatio, chosen).toBeLessThan(AA_CONTRAST);
      expect(contrastRatio(r.colour, '#ffffff'), chosen).toBeGreaterThanOrEqual(AA_CONTRAST);
      // Just enough: not more than a little past the line.
      expect(r.ratio, chosen).toBeLessThan(AA_CONTRAST + 0.25);
    }
    expect(ensureBrandContrast('#777777').colour).toBe('#767676');
    // Yellow stays a (dark) yellow: red and green equal, no blue.
    const [r, g, b] = ensureBrandContrast('#ffff00').colour.slice(1).match(/../g) ?? [];
    expect(r).toBe(g);
    expect(b).toBe('00');
  });
});

describe('BrandingUpdateSchema', () => {
  const valid = {
    colour: '#1D4ED8',
    position: 'left',
    offsetX: 24,
    offsetY: 16,
    launcherLabel: ' Chat with us ',
    launcherIcon: 'headset',
    texts: { en: { greeting: 'Hello' }, de: { greeting: 'Hallo', replyTime: 'In Minuten' } },
  };

  it('accepts a full document, lower-casing the colour and trimming texts', () => {
    const parsed = BrandingUpdateSchema.parse(valid);
    expect(parsed.colour).toBe('#1d4ed8');
    expect(parsed.launcherLabel).toBe('Chat with us');
    expect(parsed.texts.de?.greeting).toBe('Hallo');
  });

  it('refuses what the widget cannot draw', () => {
    const bad = (patch: Record<string, unknown>) =>
      BrandingUpdateSchema.safeParse({ ...valid, ...patch }).success;
    expect(bad({ colour: 'red' })).toBe(false);
    expect(bad({ colour: '#12345' })).toBe(false);
    expect(bad({ colour: 'url(x)' })).toBe(false);
    expect(bad({ position: 'top' })).toBe(false);
    expect(bad({ offsetX: -1 })).toBe(false);
    expect(bad({ offsetY: 201 })).toBe(false);
    expect(bad({ offsetX: 1.5 })).toBe(false);
    expect(bad({ launcherIcon: 'skull' })).toBe(false);
    expect(bad({ launcherLabel: 'x'.repeat(41) })).toBe(false);
    expect(bad({ texts: { en: { greeting: 'x'.repeat(501) } } })).toBe(false);
    expect(bad({ texts: { it: { greeting: 'Ciao' } } })).toBe(true); // unknown languages are dropped
    expect(
      BrandingUpdateSchema.parse({ ...valid, texts: { it: { greeting: 'Ciao' } } }).texts,
    ).toEqual({});
  });
});
