/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import { catalogUsage, compareCatalog, flattenCatalog } from '@parley/i18n/testing';
import { validateCard } from '@parley/protocol/card';
import { cardErrorKey, ENGLISH, failureText, SHIPPED, t, type Catalog } from './i18n';
import de from './locales/de.json';
import fr from './locales/fr.json';
import es from './locales/es.json';

const CATALOGS: Record<string, Catalog> = { de, fr, es };

// The pay window's own source, as text: what asks for which key (index.html in data-i18n).
const sources = import.meta.glob<string>(['./**/*.ts', '!./**/*.test.ts', '../index.html'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

describe('pay window message catalogs', () => {
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

  it('every key English has is used by the pay window, and every key it uses exists', () => {
    expect(Object.keys(sources)).toEqual(expect.arrayContaining(['./main.ts', '../index.html']));
    expect(catalogUsage(ENGLISH, sources)).toEqual({ unused: [], unknown: [] });
  });

  it('index.html names only keys English has', () => {
    const keys = flattenCatalog(ENGLISH);
    const html = sources['../index.html']!;
    const named = [...html.matchAll(/data-i18n(?:-[a-z-]+)?="([^"]+)"/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((k) => !keys.has(k))).toEqual([]);
  });
});

describe('texts that come from elsewhere in English', () => {
  it('maps every answer of the card checks to a catalog string', () => {
    const now = new Date('2026-06-15T00:00:00Z');
    const inputs = [
      { number: '', expiry: '', cvc: '', name: '' },
      { number: '4242 4242 4242 424x', expiry: '13/30', cvc: '12', name: 'x'.repeat(101) },
      { number: '4242 4242 4242 4241', expiry: '01/20', cvc: '12345', name: 'A' },
      { number: '3782 822463 10005', expiry: '12/30', cvc: '123', name: 'A' },
    ];
    const seen = new Set<string>();
    for (const input of inputs)
      for (const message of Object.values(validateCard(input, now))) {
        seen.add(message);
        const found = cardErrorKey(message);
        expect(found, message).toBeDefined();
        // The English catalog says exactly what the check says.
        expect(t(found!.key, found!.count === undefined ? {} : { count: found!.count })).toBe(
          message,
        );
      }
    expect(seen.size).toBeGreaterThanOrEqual(9);
    expect(cardErrorKey('Something new.')).toBeUndefined();
  });

  it('says why a payment failed from its code, generic for an unknown or missing one', () => {
    expect(failureText('insufficient_funds')).toBe('The card has insufficient funds.');
    expect(failureText('settlement_declined')).toMatch(/no money was taken/);
    expect(failureText('something_new')).toBe('The payment did not go through.');
    expect(failureText(null)).toBe('The payment did not go through.');
  });
});
