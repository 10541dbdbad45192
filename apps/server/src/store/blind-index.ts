import { createHmac } from 'node:crypto';

/**
 * The blind index of message text (issue 14 item 10). Messages are sealed at rest (law 9), so
 * search keeps no plaintext index: each normalised word of a stored (already masked) text is
 * indexed as HMAC-SHA256 under the organisation's search key, truncated to 128 bits. A query is
 * the same hashes of its words. See docs/search.md for what the index leaks.
 */

/** A word shorter than this is not indexed (and not searchable). */
export const MIN_WORD = 2;
/** Longer words are cut to this many characters, at index and at query time alike. */
export const MAX_WORD = 48;
/** A message's distinct indexed words are capped (law 8: every buffer has a bound). */
export const MAX_TERMS_PER_MESSAGE = 256;

/** Placeholders the masker writes where it hid an expiry, a CVV or a custom rule's match. */
const PLACEHOLDER = /\[[^\]\n]{1,40} hidden\]/gu;
const TOKEN = /[\p{L}\p{N}•]+/gu;
const DIGITS = /^\p{N}+$/u;

/** Case-folded, accents stripped (NFKD, combining marks dropped), ß folded to ss. */
export function normaliseWord(word: string): string {
  return word
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .slice(0, MAX_WORD);
}

/**
 * The words of a masked text that may be indexed. Never a masked value: a token holding a mask
 * character (•) or a placeholder is left out, and so is every run of digits next to one, so the
 * visible last four (or first six) of a masked card are not indexed either.
 */
export function indexableWords(maskedText: string): string[] {
  const tokens = [...maskedText.replace(PLACEHOLDER, ' • ').matchAll(TOKEN)].map((m) => m[0]);
  const hidden = tokens.map((t) => t.includes('•'));
  // Spread the mask over neighbouring digit runs, both ways, until nothing changes.
  for (let changed = true; changed;) {
    changed = false;
    tokens.forEach((t, i) => {
      if (hidden[i] || !DIGITS.test(t)) return;
      if (hidden[i - 1] === true || hidden[i + 1] === true) {
        hidden[i] = true;
        changed = true;
      }
    });
  }
  const out = new Set<string>();
  tokens.forEach((t, i) => {
    if (hidden[i]) return;
    const w = normaliseWord(t);
    if (w.length >= MIN_WORD && out.size < MAX_TERMS_PER_MESSAGE) out.add(w);
  });
  return [...out];
}

/** The keyed hash of one normalised word (base64url, 22 characters). */
export function termHash(key: Buffer, word: string): string {
  return createHmac('sha256', key)
    .update(word, 'utf8')
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

/** The index terms of a masked text. */
export function textTerms(key: Buffer, maskedText: string): string[] {
  return indexableWords(maskedText).map((w) => termHash(key, w));
}

/** The terms of a search query (its words, deduplicated); masked values are never searchable. */
export function queryTerms(key: Buffer, query: string): string[] {
  return [...new Set(indexableWords(query))].slice(0, 16).map((w) => termHash(key, w));
}
