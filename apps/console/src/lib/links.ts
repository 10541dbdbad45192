/**
 * Links in message text (issue 14 item 11). Only http and https become links; the
 * host shown beside each is the one the browser would really open (from the URL
 * parser, so `https://bank.example@evil.example/` shows `evil.example`, and an
 * internationalised name shows in its punycode form, which a look-alike cannot fake).
 */
export type TextPart =
  { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string; host: string };

const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
// Punctuation that ends a sentence rather than the address ("see https://x.example/a.").
const TRAILING = /[.,;:!?'")\]}]+$/;

function asLink(raw: string): { href: string; host: string } | null {
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    if (u.host === '') return null;
    return { href: u.href, host: u.host };
  } catch {
    return null;
  }
}

/** Splits text into plain runs and links; the text of every part is exactly as written. */
export function linkParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const start = m.index;
    let raw = m[0];
    const trail = TRAILING.exec(raw);
    // A closing bracket belongs to the address when it also opened inside it (Wikipedia-style).
    if (trail && !(trail[0] === ')' && raw.includes('('))) raw = raw.slice(0, -trail[0].length);
    const link = asLink(raw);
    if (!link) continue;
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
    parts.push({ kind: 'link', text: raw, ...link });
    last = start + raw.length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}
