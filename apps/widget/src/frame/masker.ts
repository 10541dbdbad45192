// The one place the widget calls the masker. The server masks every message
// anyway (DESIGN law 1); this courtesy pass lets us warn the customer before
// a card number leaves the browser and send only the masked text.
import { maskText as mask } from '@parley/masking';

export interface MaskFinding {
  type: string;
  start: number;
  end: number;
}

export interface MaskResult {
  text: string;
  findings: MaskFinding[];
}

/** Masks with the organisation-independent defaults; throws if masking cannot complete. */
export function maskText(text: string): MaskResult {
  const r = mask(text);
  return { text: r.text, findings: r.findings };
}

/** True when the masker found a payment card number. */
export function foundCard(findings: MaskFinding[]): boolean {
  return findings.some((f) => f.type === 'pan');
}
