import i18next, { type TOptions } from 'i18next';
import { formatMoney } from '@parley/protocol/money';
import en from './locales/en.json';

/** A message catalog: nested sections of strings (docs/widget.md "Languages"). */
export interface Catalog {
  [key: string]: string | Catalog;
}

/** English is bundled and is the source: every other catalog has exactly its keys. */
export const ENGLISH: Catalog = en;

// The others are chunks of their own, fetched only in their language: the frame stays small.
const LOADERS: Record<string, () => Promise<{ default: Catalog }>> = {
  de: () => import('./locales/de.json'),
  fr: () => import('./locales/fr.json'),
  es: () => import('./locales/es.json'),
};

/** The languages the widget ships. */
export const SHIPPED = ['en', ...Object.keys(LOADERS)];

/** The pseudo-locale: English, accented and lengthened, to find hard-coded or clipped strings. */
export const PSEUDO_LOCALE = 'en-XA';

const ACCENTS: Record<string, string> = Object.fromEntries(
  [...'abcdeghiklnorstuwyzABCDEGHIKLNORSTUWYZ'].map((c, i) => [
    c,
    [...'åƀçðéĝĥîķļñöŕšţûŵýžÅƁÇÐÉĜĤÎĶĻÑÖŔŠŢÛŴÝŽ'][i] ?? c,
  ]),
);

/** "Send {{n}}" → "⟦Šéñð {{n}} ·····⟧": placeholders stay, letters get accents, ~40 % longer. */
export function pseudoString(s: string): string {
  const parts = s.split(/(\{\{[^}]+\}\})/);
  const body = parts
    .map((p) => (p.startsWith('{{') ? p : [...p].map((c) => ACCENTS[c] ?? c).join('')))
    .join('');
  return `⟦${body} ${'·'.repeat(Math.max(1, Math.ceil(s.length * 0.4)))}⟧`;
}

export function pseudoCatalog(c: Catalog): Catalog {
  return Object.fromEntries(
    Object.entries(c).map(([k, v]) => [
      k,
      typeof v === 'string' ? pseudoString(v) : pseudoCatalog(v),
    ]),
  );
}

/**
 * The language to show: the website's choice (`data-lang`, passed as `?lang=`) if we ship
 * it, else the first of the browser's languages we ship, else English. `de-AT` finds `de`.
 */
export function pickLanguage(requested: string | null, browser: readonly string[]): string {
  const shipped = (tag: string): string | null => {
    if (tag === PSEUDO_LOCALE) return tag;
    const base = tag.toLowerCase().split('-')[0] ?? '';
    return SHIPPED.includes(base) ? base : null;
  };
  if (requested && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(requested)) {
    const r = shipped(requested);
    if (r) return r;
  }
  for (const tag of browser) {
    const b = shipped(tag);
    if (b) return b;
  }
  return 'en';
}

function browserLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages.length > 0 ? navigator.languages : [navigator.language];
}

function requestedLanguage(): string | null {
  if (typeof location === 'undefined') return null;
  return new URLSearchParams(location.search).get('lang');
}

export const lang = pickLanguage(requestedLanguage(), browserLanguages());

const i18n = i18next.createInstance();
void i18n.init({
  lng: lang,
  fallbackLng: 'en',
  // Everything is bundled: initialise synchronously, so the first render is translated.
  initAsync: false,
  resources: { en: { translation: en } },
  // Preact escapes text; i18next escaping too would show "&amp;".
  interpolation: { escapeValue: false },
  returnNull: false,
});

/**
 * Fetches the visitor's catalog (before the first render; main.tsx). If it cannot be fetched
 * the widget stays in English rather than not opening.
 */
export async function loadLanguage(): Promise<void> {
  const load = LOADERS[lang];
  const catalog = lang === PSEUDO_LOCALE ? pseudoCatalog(en) : load ? (await load()).default : null;
  if (!catalog) return;
  i18n.addResourceBundle(lang, 'translation', catalog);
  await i18n.changeLanguage(lang);
}

/** A catalog string; plurals by `count` through Intl.PluralRules (`key_one`, `key_other`, …). */
export function t(key: string, options?: TOptions): string {
  return i18n.t(key, options ?? {});
}

/** Intl's locale for the language (the pseudo-locale formats as English). */
const intlLocale = lang === PSEUDO_LOCALE ? 'en' : lang;

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
