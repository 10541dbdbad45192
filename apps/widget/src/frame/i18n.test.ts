/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import { catalogUsage, compareCatalog } from '@parley/i18n/testing';
import { ENGLISH, pickLanguage, SHIPPED, type Catalog } from './i18n';
import de from './locales/de.json';
import fr from './locales/fr.json';
import es from './locales/es.json';

const CATALOGS: Record<string, Catalog> = { de, fr, es };

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
      expect(compareCatalog(ENGLISH, CATALOGS[lang]!, lang)).toEqual({
        missing: [],
        extra: [],
        placeholders: [],
        empty: [],
      });
    });
  }

  it('every key English has is used by the widget, and every key the widget uses exists', () => {
    expect(Object.keys(sources)).toContain('./app.tsx');
    expect(catalogUsage(ENGLISH, sources)).toEqual({ unused: [], unknown: [] });
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
});
