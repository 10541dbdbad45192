import { describe, expect, it } from 'vitest';
import { createTranslator, pickLanguage, pseudoString, PSEUDO_LOCALE } from './index';
import { catalogUsage, compareCatalog } from './testing';

const EN = {
  app: { title: 'Chat', unread_one: '{{count}} unread', unread_other: '{{count}} unread' },
};

describe('pickLanguage', () => {
  const shipped = ['en', 'de', 'fr', 'es'];
  it('follows the request, then the browser, then English', () => {
    expect(pickLanguage('fr', ['de-DE'], shipped)).toBe('fr');
    expect(pickLanguage(null, ['de-AT', 'en'], shipped)).toBe('de');
    expect(pickLanguage(null, ['pt-BR', 'es-MX'], shipped)).toBe('es');
    expect(pickLanguage('xx', ['pt-BR'], shipped)).toBe('en');
    expect(pickLanguage('<script>', ['fr'], shipped)).toBe('fr');
    expect(pickLanguage(PSEUDO_LOCALE, [], shipped)).toBe(PSEUDO_LOCALE);
  });
});

describe('pseudoString', () => {
  it('accents letters, keeps placeholders and lengthens', () => {
    const p = pseudoString('Open chat, {{count}} unread');
    expect(p).toMatch(/^⟦.*⟧$/);
    expect(p).toContain('{{count}}');
    expect(p).not.toMatch(/Open|chat|unread/);
    expect(p.length).toBeGreaterThan('Open chat, {{count}} unread'.length * 1.3);
  });
});

describe('createTranslator', () => {
  it('translates synchronously in English and loads another language', async () => {
    const tr = createTranslator({
      english: EN,
      loaders: {
        de: () =>
          Promise.resolve({
            default: {
              app: {
                title: 'Plaudern',
                unread_one: '{{count}} ungelesen',
                unread_other: '{{count}} ungelesen',
              },
            },
          }),
      },
      lang: 'de',
    });
    expect(tr.t('app.title')).toBe('Chat');
    await tr.load();
    expect(tr.t('app.title')).toBe('Plaudern');
    expect(tr.t('app.unread', { count: 2 })).toBe('2 ungelesen');
    expect(tr.intlLocale).toBe('de');
  });

  it('builds the pseudo-locale from English', async () => {
    const tr = createTranslator({ english: EN, loaders: {}, lang: PSEUDO_LOCALE });
    await tr.load();
    expect(tr.t('app.title')).toMatch(/^⟦Çĥåţ/);
    expect(tr.intlLocale).toBe('en');
  });
});

describe('catalog checks', () => {
  it('finds missing, extra, placeholder and empty problems, with plural categories per language', () => {
    const fr = {
      app: { title: ' ', unread_one: '{{n}} non lu', unread_many: '{{count}}', extra: 'x' },
    };
    const p = compareCatalog(EN, fr, 'fr');
    expect(p.missing).toEqual(['app.unread_other']);
    expect(p.extra).toEqual(['app.extra']);
    expect(p.placeholders).toEqual(['app.unread_one: count → n']);
    expect(p.empty).toEqual(['app.title']);
    expect(compareCatalog(EN, EN, 'en')).toEqual({
      missing: [],
      extra: [],
      placeholders: [],
      empty: [],
    });
  });

  it('finds keys the source never uses and keys it uses that English lacks', () => {
    const u = catalogUsage(EN, { 'a.tsx': "t('app.title'); t('app.subtitle'); url('x.y')" });
    expect(u.unused).toEqual(['app.unread']);
    expect(u.unknown).toEqual(['app.subtitle']);
  });
});

describe('requestedLanguage', () => {
  it('reads ?lang= from the page address', async () => {
    const { requestedLanguage } = await import('./index');
    const g = globalThis as { location?: { search: string } };
    g.location = { search: '?org=abc&lang=de-AT' };
    try {
      expect(requestedLanguage()).toBe('de-AT');
      g.location = { search: '?org=abc' };
      expect(requestedLanguage()).toBeNull();
      g.location = { search: '?lang=%E0' };
      expect(requestedLanguage()).toBeNull();
    } finally {
      delete g.location;
    }
  });
});
