/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import { catalogUsage, compareCatalog } from '@parley/i18n/testing';
import { ENGLISH, SHIPPED, type Catalog } from './i18n';
import de from './locales/de.json';
import fr from './locales/fr.json';
import es from './locales/es.json';

const CATALOGS: Record<string, Catalog> = { de, fr, es };

// The console's own source, as text: what asks for which key.
const sources = import.meta.glob<string>(
  ['./**/*.ts', './**/*.tsx', '!./**/*.test.ts', '!./**/*.test.tsx'],
  { query: '?raw', import: 'default', eager: true },
);

describe('console message catalogs', () => {
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

  it('every key English has is used by the console, and every key the console uses exists', () => {
    expect(Object.keys(sources)).toContain('./app.tsx');
    expect(catalogUsage(ENGLISH, sources)).toEqual({ unused: [], unknown: [] });
  });
});
