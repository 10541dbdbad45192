import type { Catalog } from './index';

/**
 * What every app's catalog test checks (widget, pay window, console): each language has
 * exactly English's keys, with the language's own CLDR plural categories, the same
 * placeholders and no empty string; every English key is used by the app's source and every
 * key the source asks for exists. The checks return what is wrong, so a test can show it.
 */
export const PLURAL = /_(zero|one|two|few|many|other)$/;

export function flattenCatalog(c: Catalog, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(c)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [fk, fv] of flattenCatalog(v, `${prefix}${k}.`)) out.set(fk, fv);
  }
  return out;
}

export const placeholders = (s: string): string[] =>
  [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).sort();

export interface CatalogProblems {
  missing: string[];
  extra: string[];
  /** `key: expected → found` where the placeholders differ. */
  placeholders: string[];
  empty: string[];
}

/** How `other` (in language `lang`) differs from English. */
export function compareCatalog(english: Catalog, other: Catalog, lang: string): CatalogProblems {
  const en = flattenCatalog(english);
  const got = flattenCatalog(other);
  const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
  const bases = new Set(
    [...en.keys()].filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, '')),
  );
  const expected = new Set([
    ...[...en.keys()].filter((k) => !PLURAL.test(k)),
    ...[...bases].flatMap((b) => categories.map((c) => `${b}_${c}`)),
  ]);
  const problems: CatalogProblems = { missing: [], extra: [], placeholders: [], empty: [] };
  for (const k of expected) if (!got.has(k)) problems.missing.push(k);
  for (const [k, v] of got) {
    if (!expected.has(k)) {
      problems.extra.push(k);
      continue;
    }
    const source = en.get(k) ?? en.get(k.replace(PLURAL, '_other')) ?? '';
    const want = placeholders(source).join(',');
    const have = placeholders(v).join(',');
    if (want !== have) problems.placeholders.push(`${k}: ${want} → ${have}`);
    if (v.trim() === '') problems.empty.push(k);
  }
  return problems;
}

/**
 * Keys English has that no source file names as a literal `'section.key'`, and literal keys in
 * the source (in one of English's sections) that English lacks. Keys must be written out in
 * full where they are used, so that this check sees them.
 */
export function catalogUsage(
  english: Catalog,
  sources: Record<string, string>,
): { unused: string[]; unknown: string[] } {
  const en = flattenCatalog(english);
  const base = new Set([...en.keys()].map((k) => k.replace(PLURAL, '')));
  const literals = new Set<string>();
  for (const text of Object.values(sources))
    for (const m of text.matchAll(/['"`]([a-z][A-Za-z0-9]*\.[A-Za-z0-9_.]+)['"`]/g))
      literals.add(m[1]!);
  const sections = new Set(Object.keys(english));
  return {
    unused: [...base].filter((k) => !literals.has(k)),
    unknown: [...literals].filter((l) => sections.has(l.split('.')[0]!) && !base.has(l)),
  };
}
