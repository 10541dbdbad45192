/**
 * Braintree's XML as its gateway writes it: dashed element names, `type`
 * attributes for integers, booleans, datetimes, arrays and collections, and
 * `nil="true"` for nulls. A value object may carry attributes as `@name` and
 * text as `#`.
 */
export type XmlValue =
  string | number | boolean | null | undefined | XmlValue[] | { [key: string]: XmlValue };

const escape = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

export function toXml(name: string, value: XmlValue): string {
  if (value === null || value === undefined) return `<${name} nil="true"/>`;
  if (typeof value === 'boolean') return `<${name} type="boolean">${value}</${name}>`;
  if (typeof value === 'number') return `<${name} type="integer">${value}</${name}>`;
  if (typeof value === 'string') return `<${name}>${escape(value)}</${name}>`;
  if (Array.isArray(value)) return value.map((v) => toXml(name, v)).join('');
  const attrs = Object.entries(value)
    .filter(([k]) => k.startsWith('@'))
    .map(
      ([k, v]) =>
        ` ${k.slice(1)}="${escape(typeof v === 'string' || typeof v === 'number' ? String(v) : '')}"`,
    )
    .join('');
  const text = value['#'];
  const children = Object.entries(value)
    .filter(([k]) => !k.startsWith('@') && k !== '#')
    .map(([k, v]) => toXml(k, v))
    .join('');
  return `<${name}${attrs}>${typeof text === 'string' ? escape(text) : ''}${children}</${name}>`;
}
