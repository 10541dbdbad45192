/**
 * Money, validated: ISO 4217 currencies (list A, active, excluding funds,
 * precious metals and testing codes) with their real minor units, amounts as
 * integers in minor units, and limits stated in the currency's own format.
 * One table for the server, the vault, the console, the chat frame and the pay
 * page. Intl formats; the table decides the digits (ICU differs for a few).
 */

/** Minor units that are not 2 (ISO 4217 "minor unit" column). */
const NOT_TWO: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0,
  UGX: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
}; // prettier-ignore

const TWO = (
  'AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN ' +
  'BZD CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL ' +
  'GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK ' +
  'LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO ' +
  'NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE ' +
  'SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES VED ' +
  'WST XCD XCG YER ZAR ZMW ZWG ANG'
).split(' ');

/** ISO 4217 code → number of minor units (JPY 0, EUR 2, KWD 3). */
export const CURRENCY_MINOR_UNITS: Readonly<Record<string, number>> = Object.freeze({
  ...Object.fromEntries(TWO.map((c) => [c, 2])),
  ...NOT_TWO,
});

/** Largest amount in minor units (the processors' limit: 8 digits, e.g. €999,999.99). */
export const MAX_AMOUNT_MINOR = 99_999_999;

export function isIsoCurrency(code: string): boolean {
  return Object.hasOwn(CURRENCY_MINOR_UNITS, code);
}

/** Minor units of a currency; throws for a code that is not ISO 4217. */
export function minorUnits(currency: string): number {
  const units = CURRENCY_MINOR_UNITS[currency];
  if (units === undefined) throw new RangeError(`not an ISO 4217 currency: ${currency}`);
  return units;
}

/** An amount in minor units, in the reader's locale ("€12.50", "12,50 €", "¥1,200", "KWD 1.250"). */
export function formatMoney(
  minor: number,
  currency: string,
  locale?: Intl.LocalesArgument,
): string {
  const digits = CURRENCY_MINOR_UNITS[currency] ?? 2;
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(minor / 10 ** digits);
  } catch {
    return `${(minor / 10 ** digits).toFixed(digits)} ${currency}`;
  }
}

/** Why an amount is refused, in words with the limits in the currency's format; null when fine. */
export function amountProblem(minor: number, currency: string, locale = 'en'): string | null {
  if (!isIsoCurrency(currency)) return `${currency} is not an ISO 4217 currency.`;
  if (!Number.isInteger(minor)) return 'The amount must be a whole number of minor units.';
  if (minor < 1) return `The amount must be at least ${formatMoney(1, currency, locale)}.`;
  if (minor > MAX_AMOUNT_MINOR)
    return `The amount must be at most ${formatMoney(MAX_AMOUNT_MINOR, currency, locale)}.`;
  return null;
}

/**
 * A decimal typed by a person ("12.50", "12,50", "1 200") to minor units, with as
 * many decimals as the currency has; a string says what is wrong.
 */
export function parseMoney(input: string, currency: string): number | string {
  if (!isIsoCurrency(currency)) return `${currency} is not an ISO 4217 currency.`;
  const digits = minorUnits(currency);
  const text = input.trim().replace(/[\s\u00a0\u202f']/g, '');
  const m = /^(\d+)(?:[.,](\d*))?$/.exec(text);
  if (!m?.[1]) return 'Enter the amount as a number, for example 12.50.';
  const fraction = m[2] ?? '';
  if (fraction.length > digits)
    return digits === 0
      ? `${currency} has no decimals.`
      : `${currency} has at most ${digits} decimals.`;
  const minor = Number(m[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return amountProblem(minor, currency) ?? minor;
}
