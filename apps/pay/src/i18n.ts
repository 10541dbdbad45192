import {
  browserLanguages,
  createTranslator,
  pickLanguage,
  PSEUDO_LOCALE,
  requestedLanguage,
  type Catalog,
} from '@parley/i18n';
import type { TOptions } from 'i18next';
import { formatMoney } from '@parley/protocol/money';
import en from './locales/en.json';

export { PSEUDO_LOCALE, type Catalog };

/**
 * The pay window's words (issue 15 item 7, issue 16 item 4): every string the page shows comes
 * from `locales/<lang>.json` through `t('section.key')`, keys written out in full where they
 * are used (i18n.test.ts checks them; index.html names its keys in `data-i18n` attributes).
 * English is bundled; German, French and Spanish are chunks of their own, served by the vault
 * from its own origin under /pay/assets/ (CSP `script-src 'self'`), fetched before the first
 * render. The language is `?lang=` (the widget passes the visitor's), else the browser's.
 */
export const ENGLISH: Catalog = en;

const LOADERS = {
  de: () => import('./locales/de.json'),
  fr: () => import('./locales/fr.json'),
  es: () => import('./locales/es.json'),
};

/** The languages the pay window ships. */
export const SHIPPED = ['en', ...Object.keys(LOADERS)];

const translator = createTranslator({
  english: en,
  loaders: LOADERS,
  lang: pickLanguage(requestedLanguage(), browserLanguages(), SHIPPED),
});

/** The pay window's language (a shipped one, or the pseudo-locale `en-XA`). */
export const lang = translator.lang;

/** Intl's locale for amounts and dates. */
export const intlLocale = translator.intlLocale;

/** Fetches the customer's catalog before the first render; English if it cannot be fetched. */
export function loadLanguage(): Promise<void> {
  return translator.load();
}

/** A catalog string; plurals by `count` (`key_one`, `key_other`, …). */
export function t(key: string, options?: TOptions): string {
  return translator.t(key, options);
}

export function formatAmount(minor: number, currency: string): string {
  return formatMoney(minor, currency, intlLocale);
}

/** The vault's error codes the page can meet, in the customer's words. */
const ERROR_KEYS: Record<string, string> = {
  invalid_card: 'error.invalidCard',
  invalid_session: 'error.invalidSession',
  invalid_state: 'error.invalidState',
  payment_in_progress: 'error.paymentInProgress',
  payment_expired: 'error.paymentExpired',
  payment_request_voided: 'error.paymentVoided',
  gateway_error: 'error.gatewayError',
};

/** An API error's code in the customer's words; codes without a string get the generic one. */
export function errorText(code: string): string {
  return t(ERROR_KEYS[code] ?? 'error.generic');
}

/** The gateway's failure codes (apps/vault/src/gateways/gateway.ts FailureCode). */
const FAILURE_KEYS: Record<string, string> = {
  card_declined: 'failure.cardDeclined',
  insufficient_funds: 'failure.insufficientFunds',
  expired_card: 'failure.expiredCard',
  incorrect_cvc: 'failure.incorrectCvc',
  processing_error: 'failure.processingError',
  authentication_failed: 'failure.authenticationFailed',
  gateway_error: 'failure.gatewayError',
  settlement_declined: 'failure.settlementDeclined',
};

/** Why a payment failed, in the customer's words (the vault's English text is not shown). */
export function failureText(code: string | null): string {
  return t((code !== null && FAILURE_KEYS[code]) || 'failure.notThrough');
}

const CARD_ERROR_KEYS: Record<string, string> = {
  'Enter the card number.': 'cardError.numberEmpty',
  'The card number may contain digits only.': 'cardError.numberDigits',
  'This card number is not valid; please check it.': 'cardError.numberInvalid',
  'Enter the expiry date as MM/YY.': 'cardError.expiryFormat',
  'This card has expired.': 'cardError.expired',
  'Enter the security code.': 'cardError.cvcEmpty',
  'Enter the name on the card.': 'cardError.nameEmpty',
  'The name is too long.': 'cardError.nameTooLong',
};

/**
 * The card form's checks (packages/protocol/card validateCard, the vault's own rules) answer
 * in English; this finds each answer's key (and count), undefined for one it does not know.
 */
export function cardErrorKey(message: string): { key: string; count?: number } | undefined {
  const digits = /^The security code has (\d+) digits for this card\.$/.exec(message);
  if (digits) return { key: 'cardError.cvcLength', count: Number(digits[1]) };
  const key = CARD_ERROR_KEYS[message];
  return key ? { key } : undefined;
}

/** A card check's answer in the customer's words (as it came, if it is a new one). */
export function cardErrorText(message: string): string {
  const found = cardErrorKey(message);
  return found ? t(found.key, found.count === undefined ? {} : { count: found.count }) : message;
}

/** Puts the catalog's words into index.html: `data-i18n` (text), `-placeholder`, `-aria-label`. */
export function translatePage(root: Document): void {
  root.documentElement.lang = intlLocale;
  root.title = t('page.title');
  for (const node of root.querySelectorAll<HTMLElement>('[data-i18n]'))
    node.textContent = t(node.dataset.i18n!);
  for (const node of root.querySelectorAll<HTMLElement>('[data-i18n-placeholder]'))
    node.setAttribute('placeholder', t(node.dataset.i18nPlaceholder!));
  for (const node of root.querySelectorAll<HTMLElement>('[data-i18n-aria-label]'))
    node.setAttribute('aria-label', t(node.dataset.i18nAriaLabel!));
}
