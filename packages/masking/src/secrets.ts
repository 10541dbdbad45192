// Other secrets: bank accounts, national identifiers, contact details and
// credential shapes. Each rule has a cheap prefilter so the common message
// (a few words, no digits) pays for a handful of `includes` calls only.
import type { RuleId } from './types';

export interface SecretRule {
  readonly id: RuleId;
  readonly placeholder: string;
  /** Whether the rule can match at all; `digits` counts decimal digits in the text. */
  readonly worthTrying: (text: string, digits: number) => boolean;
  readonly re: RegExp;
  /** Confirms a match and returns its end (it may be shorter than the match), or -1. */
  readonly confirm?: (match: string) => number;
}

/** ISO 13616 check: move the first four characters to the end, A=10 … Z=35, mod 97 must be 1. */
export function ibanChecksumValid(compact: string): boolean {
  const s = compact.slice(4) + compact.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) rem = (rem * 10 + (c - 0x30)) % 97;
    else if (c >= 0x41 && c <= 0x5a) rem = (rem * 100 + (c - 55)) % 97;
    else return false;
  }
  return rem === 1;
}

const IBAN_SEP = /[ \u00a0]/;
// ISO 13616 registry countries (SWIFT IBAN registry), so a hex id or a word is not read as an IBAN.
const IBAN_COUNTRIES = new Set(
  (
    'AD AE AL AT AZ BA BE BG BH BI BR BY CH CR CY CZ DE DJ DK DO EE EG ES FI FK FO FR GB GE GI GL GR GT HR HU IE IL ' +
    'IQ IS IT JO KW KZ LB LC LI LT LU LV LY MC MD ME MK MN MR MT MU NI NL NO OM PK PL PS PT QA RO RS RU SA SC SD SE SI SK ' +
    'SM SO ST SV TL TN TR UA VA VG XK YE'
  ).split(' '),
);
const ALNUM = /[A-Za-z0-9]/;

/** The grouped form may reach into the next word; cut back to the longest prefix whose checksum holds. */
function confirmIban(match: string): number {
  const ends: number[] = [];
  let compact = '';
  for (let i = 0; i < match.length; i += 1) {
    const ch = match[i] ?? '';
    if (IBAN_SEP.test(ch)) continue;
    compact += ch.toUpperCase();
    ends.push(i + 1);
  }
  if (!IBAN_COUNTRIES.has(compact.slice(0, 2))) return -1;
  for (let len = Math.min(compact.length, 34); len >= 15; len -= 1) {
    const end = ends[len - 1] ?? 0;
    if (ALNUM.test(match[end] ?? '')) continue; // must end on a word boundary
    if (ibanChecksumValid(compact.slice(0, len))) return end;
  }
  return -1;
}

function confirmPhone(match: string): number {
  const digits = match.replace(/\D/g, '').length;
  return digits >= 7 && digits <= 15 ? match.length : -1;
}

const has = (text: string, ...needles: string[]): boolean => needles.some((n) => text.includes(n));

/** Rules that run before card detection (their matches are not cards). */
export const EARLY_RULES: readonly SecretRule[] = [
  {
    id: 'private_key',
    placeholder: '[private key hidden]',
    worthTrying: (t) => t.includes('PRIVATE KEY'),
    re: /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----[\s\S]{0,20000}?(?:-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----|$)/g,
  },
  {
    id: 'jwt',
    placeholder: '[token hidden]',
    worthTrying: (t) => t.includes('eyJ'),
    re: /\beyJ[A-Za-z0-9_-]{5,4000}\.eyJ[A-Za-z0-9_-]{5,8000}\.[A-Za-z0-9_-]{10,4000}/g,
  },
  {
    id: 'aws_access_key',
    placeholder: '[API key hidden]',
    worthTrying: (t) => has(t, 'AKIA', 'ASIA', 'ABIA', 'ACCA'),
    re: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g,
  },
  {
    id: 'github_token',
    placeholder: '[token hidden]',
    worthTrying: (t) => t.includes('_') && has(t, 'gh', 'github_pat_'),
    re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g,
  },
  {
    id: 'stripe_key',
    placeholder: '[API key hidden]',
    worthTrying: (t) => has(t, '_live_', '_test_', 'whsec_'),
    re: /\b(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,247}|whsec_[A-Za-z0-9]{20,247})\b/g,
  },
  {
    id: 'slack_token',
    placeholder: '[token hidden]',
    worthTrying: (t) => has(t, 'xox', 'hooks.slack.com'),
    re: /\bxox[abposre]-[A-Za-z0-9-]{10,250}|https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]{20,120}/g,
  },
  {
    id: 'google_api_key',
    placeholder: '[API key hidden]',
    worthTrying: (t) => t.includes('AIza'),
    re: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g,
  },
  {
    id: 'openai_key',
    placeholder: '[API key hidden]',
    worthTrying: (t) => t.includes('sk-'),
    re: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,250}(?![A-Za-z0-9_-])/g,
  },
  {
    id: 'npm_token',
    placeholder: '[token hidden]',
    worthTrying: (t) => t.includes('npm_'),
    re: /\bnpm_[A-Za-z0-9]{36}\b/g,
  },
  {
    id: 'email',
    placeholder: '[email hidden]',
    worthTrying: (t) => t.includes('@'),
    re: /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b/g,
  },
  {
    id: 'iban',
    placeholder: '[IBAN hidden]',
    worthTrying: (_t, d) => d >= 8,
    // Written compact, or in groups of four as printed on statements.
    re: /\b[A-Za-z]{2}[0-9]{2}(?:[A-Za-z0-9]{11,30}\b|(?:[ \u00a0][A-Za-z0-9]{4}){2,7}(?:[ \u00a0][A-Za-z0-9]{1,4})?\b)/g,
    confirm: confirmIban,
  },
  {
    id: 'ssn',
    placeholder: '[SSN hidden]',
    worthTrying: (_t, d) => d >= 9,
    // SSA: area 000, 666 and 900-999, group 00 and serial 0000 are never issued.
    re: /(?<![\w-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-])/g,
  },
  {
    id: 'uk_nino',
    placeholder: '[NI number hidden]',
    worthTrying: (_t, d) => d >= 6,
    // HMRC: no D, F, I, Q, U, V first; no O second; BG GB KN NK NT TN ZZ never used.
    re: /\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/gi,
  },
];

/** Rules that run after card detection, so that a card is never read as a phone number. */
export const LATE_RULES: readonly SecretRule[] = [
  {
    id: 'phone',
    placeholder: '[phone hidden]',
    worthTrying: (_t, d) => d >= 7,
    re: /(?<![\w+])(?:\+|00)?[1-9]\d{0,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]?\d{2,4}){1,4}(?![\w])/g,
    confirm: confirmPhone,
  },
];
