/** Active content in an SVG: scripts, event handlers, javascript: or external references, entities. */
const SVG_ACTIVE = [
  /<script/i,
  /\son[a-z]+\s*=/i,
  /javascript:/i,
  /<foreignObject/i,
  /<!ENTITY/i,
  /<(iframe|embed|object|use|image|a)\b/i,
  /(?:xlink:)?href\s*=\s*["'](?!#)/i,
  /url\(\s*["']?(?!#)/i,
  /@import/i,
  // SMIL can set an attribute to a handler or a link after load.
  /<(set|animate)\b[^>]*attributeName\s*=\s*["']?\s*(on|href|xlink:href)/i,
  /expression\s*\(/i,
];

const NAMED: Record<string, string> = {
  colon: ':',
  lpar: '(',
  rpar: ')',
  sol: '/',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  amp: '&',
  tab: '\t',
  newline: '\n',
  commat: '@',
  period: '.',
};

const codePoint = (n: number) => (n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : '');

/**
 * What a browser reads: XML character references (`&#x6a;avascript:`,
 * `&colon;`) and CSS escapes (`u\72l(`, `@\69mport`) decoded, CSS comments and
 * the whitespace a browser drops inside a URL scheme removed, so the patterns
 * below see the words they look for.
 */
export function decodeSvgText(text: string): string {
  let out = text;
  // Twice: `&amp;#x6a;` becomes `&#x6a;` once entities are expanded by a lenient reader.
  for (let i = 0; i < 2; i++)
    out = out
      .replace(/&#x([0-9a-f]{1,6});?/gi, (_, h: string) => codePoint(parseInt(h, 16)))
      .replace(/&#([0-9]{1,7});?/g, (_, d: string) => codePoint(parseInt(d, 10)))
      .replace(/&([a-z]+);/gi, (all, n: string) => NAMED[n.toLowerCase()] ?? all);
  return out
    .replace(/\\([0-9a-f]{1,6})\s?/gi, (_, h: string) => codePoint(parseInt(h, 16)))
    .replace(/\\(.)/g, '$1')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/[\t\n\r]/g, '');
}

/** True when the SVG, as written or as decoded, holds script or external references. */
export function svgIsActive(raw: string): boolean {
  const decoded = decodeSvgText(raw);
  return SVG_ACTIVE.some((r) => r.test(raw) || r.test(decoded));
}
