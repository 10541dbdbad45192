/**
 * Card rules, in one place for the pay page (live validation) and the vault
 * (the authoritative check): `@parley/protocol/card`. Pure functions; no card
 * data is kept. Luhn itself is the masker's.
 */
import { luhnValid as luhn } from '@parley/masking';

export type CardBrand =
  'visa' | 'mastercard' | 'amex' | 'discover' | 'diners' | 'jcb' | 'unionpay' | 'unknown';

export const BRAND_NAMES: Record<CardBrand, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  jcb: 'JCB',
  unionpay: 'UnionPay',
  unknown: 'Card',
};

/** Digits only; spaces and dashes a person types are dropped. */
export function normalizeCardNumber(input: string): string {
  return input.replace(/[\s-]/g, '');
}

/** A 12–19 digit number that passes the Luhn check (the check itself is the masker's). */
export function luhnValid(digits: string): boolean {
  return /^\d{12,19}$/.test(digits) && luhn(digits);
}

/** Brand from the IIN ranges (first digits). */
export function detectBrand(digits: string): CardBrand {
  if (/^4/.test(digits)) return 'visa';
  if (/^(5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)/.test(digits)) return 'mastercard';
  if (/^3[47]/.test(digits)) return 'amex';
  if (/^(6011|65|64[4-9])/.test(digits)) return 'discover';
  if (/^(36|30[0-5]|3095|38|39)/.test(digits)) return 'diners';
  if (/^35(2[89]|[3-8]\d)/.test(digits)) return 'jcb';
  if (/^62/.test(digits)) return 'unionpay';
  return 'unknown';
}

export function cvcLength(brand: CardBrand): number {
  return brand === 'amex' ? 4 : 3;
}

export interface Expiry {
  month: number;
  year: number;
}

/** Parses "MM/YY", "MM / YYYY" or "MMYY". */
export function parseExpiry(input: string): Expiry | null {
  const m = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(input);
  if (!m?.[1] || !m[2]) return null;
  const month = Number(m[1]);
  const year = m[2].length === 2 ? 2000 + Number(m[2]) : Number(m[2]);
  if (month < 1 || month > 12) return null;
  return { month, year };
}

/** A card is valid through the last day of its expiry month. */
export function expiryInFuture(expiry: Expiry, now: Date = new Date()): boolean {
  const y = now.getUTCFullYear();
  const mo = now.getUTCMonth() + 1;
  if (expiry.year > y + 20) return false;
  return expiry.year > y || (expiry.year === y && expiry.month >= mo);
}

export type CardField = 'number' | 'expiry' | 'cvc' | 'name';

export interface CardFormInput {
  number: string;
  expiry: string;
  cvc: string;
  name: string;
}

/** Errors in words, one per field at most; empty when the card can be submitted. */
export function validateCard(
  input: CardFormInput,
  now: Date = new Date(),
): Partial<Record<CardField, string>> {
  const errors: Partial<Record<CardField, string>> = {};
  const digits = normalizeCardNumber(input.number);
  const brand = detectBrand(digits);
  if (digits === '') errors.number = 'Enter the card number.';
  else if (!/^\d+$/.test(digits)) errors.number = 'The card number may contain digits only.';
  else if (!luhnValid(digits)) errors.number = 'This card number is not valid; please check it.';
  const expiry = parseExpiry(input.expiry);
  if (input.expiry.trim() === '') errors.expiry = 'Enter the expiry date as MM/YY.';
  else if (!expiry) errors.expiry = 'Enter the expiry date as MM/YY.';
  else if (!expiryInFuture(expiry, now)) errors.expiry = 'This card has expired.';
  const want = cvcLength(brand);
  if (input.cvc === '') errors.cvc = 'Enter the security code.';
  else if (!new RegExp(`^\\d{${want}}$`).test(input.cvc))
    errors.cvc = `The security code has ${want} digits for this card.`;
  if (input.name.trim() === '') errors.name = 'Enter the name on the card.';
  else if (input.name.length > 100) errors.name = 'The name is too long.';
  return errors;
}

/**
 * The number as the customer reads it on the card, for formatting as typed:
 * American Express 4-6-5, Diners 4-6-4, every other brand groups of four.
 */
export function formatCardNumber(input: string): string {
  const digits = input.replace(/\D/g, '').slice(0, 19);
  const brand = detectBrand(digits);
  const groups = brand === 'amex' ? [4, 6, 5] : brand === 'diners' ? [4, 6, 4] : [4, 4, 4, 4, 3];
  const out: string[] = [];
  let at = 0;
  for (const size of groups) {
    if (at >= digits.length) break;
    out.push(digits.slice(at, at + size));
    at += size;
  }
  return out.join(' ');
}

/** Expiry as typed: "1" stays, "2" becomes "02 / ", "1228" becomes "12 / 28". */
export function formatExpiry(input: string, deleting = false): string {
  let digits = input.replace(/\D/g, '').slice(0, 4);
  if (digits.length === 1 && Number(digits) > 1) digits = `0${digits}`;
  if (digits.length < 2) return digits;
  if (digits.length === 2) return deleting ? digits : `${digits} / `;
  return `${digits.slice(0, 2)} / ${digits.slice(2)}`;
}
