import i18next, { type TOptions } from 'i18next';

/**
 * One way to translate every browser app (widget, pay window, console): a catalog of nested
 * sections per language, English bundled as the source, the others fetched as chunks of their
 * own, a pseudo-locale to find hard-coded strings, and the language picked the same way
 * everywhere (docs/widget.md "Languages").
 */
export interface Catalog {
  [key: string]: string | Catalog;
}

/** A language's catalog as a lazily imported chunk (`() => import('./locales/de.json')`). */
export type CatalogLoader = () => Promise<{ default: Catalog }>;

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

const TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/**
 * The language to show: the requested one (a website's `data-lang`, a `?lang=`) if shipped,
 * else the first of the browser's languages that is shipped, else English. `de-AT` finds `de`;
 * anything that is not a language tag is ignored.
 */
export function pickLanguage(
  requested: string | null,
  browser: readonly string[],
  shipped: readonly string[],
): string {
  const find = (tag: string): string | null => {
    if (tag === PSEUDO_LOCALE) return tag;
    const base = tag.toLowerCase().split('-')[0] ?? '';
    return shipped.includes(base) ? base : null;
  };
  if (requested && TAG.test(requested)) {
    const r = find(requested);
    if (r) return r;
  }
  for (const tag of browser) {
    const b = find(tag);
    if (b) return b;
  }
  return 'en';
}

interface BrowserGlobals {
  navigator?: { languages?: readonly string[]; language?: string };
  location?: { search: string };
}

/** The browser's preferred languages (none outside a browser). */
export function browserLanguages(): readonly string[] {
  const nav = (globalThis as BrowserGlobals).navigator;
  if (!nav) return [];
  return nav.languages && nav.languages.length > 0 ? nav.languages : [nav.language ?? 'en'];
}

/** The page's `?lang=` (null outside a browser or without one). */
export function requestedLanguage(param = 'lang'): string | null {
  const loc = (globalThis as BrowserGlobals).location;
  if (!loc) return null;
  // No URLSearchParams here: this package has neither DOM nor Node types.
  for (const pair of loc.search.replace(/^\?/, '').split('&')) {
    const [k, v = ''] = pair.split('=');
    if (k !== param) continue;
    try {
      return decodeURIComponent(v.replace(/\+/g, ' '));
    } catch {
      return null;
    }
  }
  return null;
}

export interface Translator {
  /** The language shown: a shipped one, or the pseudo-locale. */
  readonly lang: string;
  /** Intl's locale for it (the pseudo-locale formats as English). */
  readonly intlLocale: string;
  /** A catalog string; plurals by `count` through Intl.PluralRules (`key_one`, `key_other`…). */
  t(key: string, options?: TOptions): string;
  /** Fetches the language's catalog; if it cannot be fetched the app stays in English. */
  load(): Promise<void>;
}

/**
 * A translator for one app. English is bundled, so it works synchronously from the start;
 * `load()` (before the first render) brings the visitor's own language.
 */
export function createTranslator(options: {
  english: Catalog;
  loaders: Record<string, CatalogLoader>;
  lang: string;
}): Translator {
  const { english, loaders, lang } = options;
  const i18n = i18next.createInstance();
  void i18n.init({
    lng: lang,
    fallbackLng: 'en',
    initAsync: false,
    resources: { en: { translation: english } },
    // Preact escapes text; i18next escaping too would show "&amp;".
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return {
    lang,
    intlLocale: lang === PSEUDO_LOCALE ? 'en' : lang,
    t: (key, opts) => i18n.t(key, opts ?? {}),
    async load() {
      const loader = loaders[lang];
      const catalog =
        lang === PSEUDO_LOCALE ? pseudoCatalog(english) : loader ? (await loader()).default : null;
      if (!catalog) return;
      i18n.addResourceBundle(lang, 'translation', catalog);
      await i18n.changeLanguage(lang);
    },
  };
}
