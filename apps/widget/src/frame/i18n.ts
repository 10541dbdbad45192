import {
  browserLanguages,
  createTranslator,
  pickLanguage as pick,
  PSEUDO_LOCALE,
  requestedLanguage,
  type Catalog,
} from '@parley/i18n';
import type { TOptions } from 'i18next';
import { formatMoney } from '@parley/protocol/money';
import en from './locales/en.json';

export { PSEUDO_LOCALE, type Catalog };

/** English is bundled and is the source: every other catalog has exactly its keys. */
export const ENGLISH: Catalog = en;

// The others are chunks of their own, fetched only in their language: the frame stays small.
const LOADERS = {
  de: () => import('./locales/de.json'),
  fr: () => import('./locales/fr.json'),
  es: () => import('./locales/es.json'),
};

/** The languages the widget ships. */
export const SHIPPED = ['en', ...Object.keys(LOADERS)];

/**
 * The language to show: the website's choice (`data-lang`, passed as `?lang=`) if we ship
 * it, else the first of the browser's languages we ship, else English. `de-AT` finds `de`.
 */
export function pickLanguage(requested: string | null, browser: readonly string[]): string {
  return pick(requested, browser, SHIPPED);
}

const translator = createTranslator({
  english: en,
  loaders: LOADERS,
  lang: pickLanguage(requestedLanguage(), browserLanguages()),
});

export const lang = translator.lang;

/**
 * Fetches the visitor's catalog (before the first render; main.tsx). If it cannot be fetched
 * the widget stays in English rather than not opening.
 */
export function loadLanguage(): Promise<void> {
  return translator.load();
}

/** A catalog string; plurals by `count` through Intl.PluralRules (`key_one`, `key_other`, …). */
export function t(key: string, options?: TOptions): string {
  return translator.t(key, options);
}

/** Intl's locale for the language (the pseudo-locale formats as English). */
const intlLocale = translator.intlLocale;

export function formatTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(intlLocale, { hour: '2-digit', minute: '2-digit' });
}

export function formatDate(ms: number): string {
  return new Date(ms).toLocaleString(intlLocale, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatAmount(minor: number, currency: string): string {
  return formatMoney(minor, currency, intlLocale);
}

export function formatFileSize(bytes: number): string {
  const n = new Intl.NumberFormat(intlLocale, { maximumFractionDigits: 1 });
  if (bytes < 1024) return t('files.sizeB', { size: n.format(bytes) });
  if (bytes < 1024 * 1024) return t('files.sizeKB', { size: n.format(bytes / 1024) });
  return t('files.sizeMB', { size: n.format(bytes / (1024 * 1024)) });
}

// Registry codes a visitor can meet (docs/errors.md), each with its catalog string. Literal
// keys, so the catalog test sees them used.
const ERROR_KEYS: Record<string, string> = {
  network_error: 'errors.network_error',
  rate_limited: 'errors.rate_limited',
  too_many_requests: 'errors.rate_limited',
  origin_not_allowed: 'errors.origin_not_allowed',
  organisation_not_found: 'errors.organisation_not_found',
  chat_unavailable: 'errors.chat_unavailable',
  conversation_closed: 'errors.conversation_closed',
  conversation_not_found: 'errors.conversation_not_found',
  consent_required: 'errors.consent_required',
  consent_outdated: 'errors.consent_outdated',
  continue_link_invalid: 'errors.continue_link_invalid',
  transcript_limit: 'errors.transcript_limit',
  mail_unavailable: 'errors.mail_unavailable',
  invalid_payment_state: 'errors.invalid_payment_state',
  payment_unavailable: 'errors.payment_unavailable',
  file_type_not_allowed: 'errors.file_type_not_allowed',
  file_disguised: 'errors.file_disguised',
  file_too_large: 'errors.file_too_large',
  file_empty: 'errors.file_empty',
  file_quota_exceeded: 'errors.file_quota_exceeded',
  files_busy: 'errors.files_busy',
  files_unavailable: 'errors.files_unavailable',
  frame_too_large: 'errors.frame_too_large',
  masking_failed: 'errors.masking_failed',
  identity_invalid: 'errors.identity_invalid',
  identity_expired: 'errors.identity_invalid',
  identity_required: 'errors.identity_required',
  bad_request: 'errors.bad_request',
  invalid_token: 'errors.session_expired',
  unauthorized: 'errors.session_expired',
  server_shutting_down: 'errors.try_again',
  store_unavailable: 'errors.try_again',
  internal_error: 'errors.try_again',
};

/** The visitor's words for an error code; codes without a string get the generic one. */
export function errorText(code: string | undefined): string {
  return t((code !== undefined && ERROR_KEYS[code]) || 'errors.generic');
}

/** The visitor's words for a failure: a registry code if it carries one, else the generic text. */
export function errorOf(e: unknown): string {
  const code = e instanceof Error && 'code' in e ? (e as { code: unknown }).code : undefined;
  return errorText(typeof code === 'string' ? code : undefined);
}

/** The loader's words in this language (it has no catalog of its own, to stay small). */
export function loaderLabels(unread: number): {
  type: 'labels';
  open: string;
  close: string;
  title: string;
} {
  return {
    type: 'labels',
    open: unread > 0 ? t('loader.openUnread', { count: unread }) : t('loader.open'),
    close: t('loader.close'),
    title: t('app.title'),
  };
}
