import type { WidgetBranding } from '@parley/protocol';

/** `#rrggbb` scaled towards black: the hover shade of the brand colour (darker keeps AA). */
export function darker(hex: string, scale = 0.85): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) return hex;
  const n = parseInt(m[1] ?? '0', 16);
  const ch = (shift: number) =>
    Math.round(((n >> shift) & 255) * scale)
      .toString(16)
      .padStart(2, '0');
  return `#${ch(16)}${ch(8)}${ch(0)}`;
}

/**
 * Applies the organisation's colour to the frame (docs/widget.md "Branding"). The server only
 * sends colours that meet WCAG AA with the text colour; the frame checks the shape again, since
 * the value lands in a style property. CSSOM, not a style attribute, so the frame's CSP holds.
 */
export function applyBranding(
  b: WidgetBranding | undefined,
  root = document.documentElement,
): void {
  if (!b || !/^#[0-9a-f]{6}$/i.test(b.colour) || !/^#[0-9a-f]{6}$/i.test(b.textColour)) return;
  root.style.setProperty('--accent', b.colour);
  root.style.setProperty('--accent-dark', darker(b.colour));
  root.style.setProperty('--on-accent', b.textColour);
}
