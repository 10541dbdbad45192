// The one place the widget calls the masker. The server masks every message
// anyway (DESIGN law 1); this courtesy pass lets us warn the customer before
// a card number leaves the browser and send only the masked text.
//
// INTERIM: @parley/masking has not landed yet; until it does this module
// carries a minimal Luhn-checked card detector with the same signature
// (`maskText(text) => { text, findings }`). Swap the body for
// `export { maskText } from '@parley/masking'` when the package exports it.

export interface MaskFinding {
  type: string;
  start: number;
  end: number;
}

export interface MaskResult {
  text: string;
  findings: MaskFinding[];
}

const CANDIDATE = /\d(?:[ -]?\d){12,18}/g;

function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function maskText(text: string): MaskResult {
  const findings: MaskFinding[] = [];
  const masked = text.replace(CANDIDATE, (match, offset: number) => {
    const digits = match.replace(/\D/g, '');
    if (digits.length < 13 || digits.length > 19 || !luhnValid(digits)) return match;
    findings.push({ type: 'card_number', start: offset, end: offset + match.length });
    let keep = 4;
    // PCI DSS 3.4.1: show at most the last four digits.
    return match
      .split('')
      .reverse()
      .map((c) => (c >= '0' && c <= '9' ? (keep-- > 0 ? c : '•') : c))
      .reverse()
      .join('');
  });
  return { text: masked, findings };
}

/** True when the masker found a payment card number (or part of one). */
export function foundCard(findings: MaskFinding[]): boolean {
  return findings.some((f) => /card|pan/i.test(f.type));
}
