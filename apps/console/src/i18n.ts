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
 * The console's words (issue 15 item 7): every string a screen shows comes from
 * `locales/<lang>.json` through `t('section.key')`, keys written out in full where they are
 * used (i18n.test.ts checks them). English is bundled; German, French and Spanish are chunks
 * fetched before the first render (main.tsx). The language is `?lang=` if given, else the
 * agent's choice on the profile page, else the browser's. Shared with the widget and the pay
 * window through `@parley/i18n`.
 */
export const ENGLISH: Catalog = en;

const LOADERS = {
  de: () => import('./locales/de.json'),
  fr: () => import('./locales/fr.json'),
  es: () => import('./locales/es.json'),
};

/** The languages the console ships. */
export const SHIPPED = ['en', ...Object.keys(LOADERS)];

/**
 * The agent's own choice (profile page), kept in this browser's localStorage: the language has
 * to be known before the first render, which comes before the session is known (the sign-in
 * screen is translated too), so a server-side setting would show the first screen in the wrong
 * language and cost a round trip. docs/console.md "Languages".
 */
export const LANGUAGE_KEY = 'parley.console.lang';

export function chosenLanguage(): string | null {
  try {
    return globalThis.localStorage?.getItem(LANGUAGE_KEY) ?? null;
  } catch {
    return null; // storage blocked: the browser's language, then
  }
}

/** Saves the agent's choice (null: follow the browser); takes effect on the next load. */
export function chooseLanguage(choice: string | null): void {
  if (choice === null) localStorage.removeItem(LANGUAGE_KEY);
  else localStorage.setItem(LANGUAGE_KEY, choice);
}

const translator = createTranslator({
  english: en,
  loaders: LOADERS,
  lang: pickLanguage(requestedLanguage() ?? chosenLanguage(), browserLanguages(), SHIPPED),
});

/** The console's language (a shipped one, or the pseudo-locale `en-XA`). */
export const lang = translator.lang;

/** Intl's locale for dates, times, numbers and amounts. */
export const intlLocale = translator.intlLocale;

/** Fetches the agent's catalog before the first render; English if it cannot be fetched. */
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
