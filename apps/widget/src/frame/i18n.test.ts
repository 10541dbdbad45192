/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import { ENGLISH, pickLanguage, pseudoString, SHIPPED, type Catalog } from './i18n';
import de from './locales/de.json';
import fr from './locales/fr.json';
import es from './locales/es.json';

const CATALOGS: Record<string, Catalog> = { en: ENGLISH, de, fr, es };

const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(c: Catalog, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(c)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [fk, fv] of flatten(v, `${prefix}${k}.`)) out.set(fk, fv);
  }
  return out;
}

const placeholders = (s: string): string[] =>
  [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).sort();

const en = flatten(CATALOGS.en!);
// Keys without their plural suffix: what the code asks for (`t('loader.openUnread', {count})`).
const enBase = new Set([...en.keys()].map((k) => k.replace(PLURAL, '')));
const pluralBases = new Set(
  [...en.keys()].filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, '')),
);

// The widget's own source (frame, loader, bridge), as text: what asks for which key.
const sources = import.meta.glob<string>(
  ['../**/*.ts', '../**/*.tsx', '!../**/*.test.ts', '!../**/*.test.tsx'],
  { query: '?raw', import: 'default', eager: true },
);

describe('widget message catalogs', () => {
  it('ships English, German, French and Spanish', () => {
    expect([...SHIPPED].sort()).toEqual(['de', 'en', 'es', 'fr']);
  });

  for (const lang of ['de', 'fr', 'es']) {
    it(`${lang} has every key English has, no other, with the same placeholders`, () => {
      const other = flatten(CATALOGS[lang]!);
      const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
      // Plural keys: exactly the CLDR categories of the language (French and Spanish add `many`).
      const expected = new Set([
        ...[...en.keys()].filter((k) => !PLURAL.test(k)),
        ...[...pluralBases].flatMap((b) => categories.map((c) => `${b}_${c}`)),
      ]);
      expect([...expected].filter((k) => !other.has(k))).toEqual([]);
      expect([...other.keys()].filter((k) => !expected.has(k))).toEqual([]);
      for (const [k, v] of other) {
        const source = en.get(k) ?? en.get(k.replace(PLURAL, '_other')) ?? '';
        expect(placeholders(v), `${lang} ${k}`).toEqual(placeholders(source));
        expect(v.trim(), `${lang} ${k} is empty`).not.toBe('');
      }
    });
  }

  it('every key English has is used by the widget, and every key the widget uses exists', () => {
    const literals = new Set<string>();
    expect(Object.keys(sources)).toContain('./app.tsx');
    for (const text of Object.values(sources))
      for (const m of text.matchAll(/'([a-z]+\.[A-Za-z0-9_.]+)'/g)) literals.add(m[1]!);
    expect([...enBase].filter((k) => !literals.has(k))).toEqual([]);
    const section = new Set(Object.keys(CATALOGS.en!));
    const asked = [...literals].filter((l) => section.has(l.split('.')[0]!));
    expect(asked.filter((k) => !enBase.has(k))).toEqual([]);
  });
});

describe('the widget language', () => {
  it('follows the website, then the browser, then English', () => {
    expect(pickLanguage('fr', ['de-DE'])).toBe('fr');
    expect(pickLanguage(null, ['de-AT', 'en'])).toBe('de');
    expect(pickLanguage(null, ['pt-BR', 'es-MX'])).toBe('es');
    expect(pickLanguage('xx', ['pt-BR'])).toBe('en');
    expect(pickLanguage('<script>', ['fr'])).toBe('fr');
    expect(pickLanguage('en-XA', [])).toBe('en-XA');
  });

  it('pseudo-localises letters, keeps placeholders and lengthens', () => {
    const p = pseudoString('Open chat, {{count}} unread');
    expect(p).toMatch(/^⟦.*⟧$/);
    expect(p).toContain('{{count}}');
    expect(p).not.toMatch(/Open|chat|unread/);
    expect(p.length).toBeGreaterThan('Open chat, {{count}} unread'.length * 1.3);
  });
});
