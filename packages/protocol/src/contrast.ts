/**
 * WCAG 2.x contrast (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio), shared by the server
 * (which never stores a failing brand colour), the console (which warns and shows the adjusted
 * colour) and the widget. Pure: no DOM, no dependencies.
 */

/** WCAG AA for normal text (success criterion 1.4.3). */
export const AA_CONTRAST = 4.5;

/** The widget writes white text on the brand colour (launcher, header, the visitor's bubbles). */
export const BRAND_TEXT_COLOUR = '#ffffff';

/** `#rrggbb` to [r, g, b] in 0–255; undefined for anything else. */
export function parseHex(hex: string): [number, number, number] | undefined {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return undefined;
  return [parseInt(m[1] ?? '', 16), parseInt(m[2] ?? '', 16), parseInt(m[3] ?? '', 16)];
}

function toHex(rgb: readonly number[]): string {
  return `#${rgb.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}

/** Relative luminance of an sRGB colour. */
export function luminance(hex: string): number {
  const rgb = parseHex(hex);
  if (!rgb) throw new Error(`not a #rrggbb colour: ${hex}`);
  const [r = 0, g = 0, b = 0] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The contrast ratio of two colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

export interface BrandColourCheck {
  /** The colour to use: the chosen one when it passes, else the nearest darker one that does. */
  colour: string;
  /** Contrast of the brand text colour on `colour`. */
  ratio: number;
  /** The chosen colour's own ratio. */
  chosenRatio: number;
  /** True when the chosen colour failed AA and `colour` is the adjusted one. */
  adjusted: boolean;
}

/**
 * Checks white text on `chosen` against AA and, when it fails, darkens the colour (same hue,
 * each channel scaled towards black) just enough to pass. Dark enough for white text also means
 * the colour reads as text on the widget's white panel (links, focus rings) at the same ratio.
 */
export function ensureBrandContrast(chosen: string, text = BRAND_TEXT_COLOUR): BrandColourCheck {
  const colour = chosen.toLowerCase();
  const rgb = parseHex(colour);
  if (!rgb) throw new Error(`not a #rrggbb colour: ${chosen}`);
  const chosenRatio = contrastRatio(colour, text);
  if (chosenRatio >= AA_CONTRAST)
    return { colour, ratio: chosenRatio, chosenRatio, adjusted: false };
  // Contrast with white rises as the scale falls: search the largest scale that passes.
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 24; i++) {
    const mid = (lo + hi) / 2;
    if (contrastRatio(toHex(rgb.map((v) => v * mid)), text) >= AA_CONTRAST) lo = mid;
    else hi = mid;
  }
  let adjusted = toHex(rgb.map((v) => v * lo));
  // Rounding to whole channel values may land a hair under the line: step down until it passes.
  for (let s = lo; contrastRatio(adjusted, text) < AA_CONTRAST && s > 0; s -= 0.005)
    adjusted = toHex(rgb.map((v) => Math.floor(v * s)));
  return { colour: adjusted, ratio: contrastRatio(adjusted, text), chosenRatio, adjusted: true };
}
