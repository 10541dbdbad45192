import { describe, expect, it } from 'vitest';
import { linkParts } from './links';

describe('links in message text', () => {
  it('splits text around an https link and keeps the text exactly as written', () => {
    const parts = linkParts('Track it at https://shop.example/orders/7?x=1 please');
    expect(parts).toEqual([
      { kind: 'text', text: 'Track it at ' },
      {
        kind: 'link',
        text: 'https://shop.example/orders/7?x=1',
        href: 'https://shop.example/orders/7?x=1',
        host: 'shop.example',
      },
      { kind: 'text', text: ' please' },
    ]);
    expect(parts.map((p) => p.text).join('')).toBe(
      'Track it at https://shop.example/orders/7?x=1 please',
    );
  });

  it('shows the host the browser really opens, not the one the text suggests', () => {
    const [link] = linkParts('https://bank.example@evil.example/login');
    expect(link).toMatchObject({ kind: 'link', host: 'evil.example' });
  });

  it('shows an internationalised host in punycode, so a look-alike is visible', () => {
    const [link] = linkParts('https://pаypal.example/'); // Cyrillic а
    expect(link?.kind).toBe('link');
    expect(link?.kind === 'link' && link.host.startsWith('xn--')).toBe(true);
  });

  it('makes no link of other schemes', () => {
    for (const t of ['javascript:alert(1)', 'data:text/html,hi', 'ftp://files.example/a']) {
      expect(linkParts(t)).toEqual([{ kind: 'text', text: t }]);
    }
  });

  it('leaves sentence punctuation outside the link but keeps a bracket pair', () => {
    expect(linkParts('See https://a.example/x.')[1]).toMatchObject({
      text: 'https://a.example/x',
    });
    expect(linkParts('(https://a.example/x)')[1]).toMatchObject({ text: 'https://a.example/x' });
    expect(linkParts('https://en.example/wiki/Foo_(bar)')[0]).toMatchObject({
      text: 'https://en.example/wiki/Foo_(bar)',
    });
  });

  it('finds several links and keeps port numbers in the host', () => {
    const links = linkParts('http://a.example:8080/ and https://b.example').filter(
      (p) => p.kind === 'link',
    );
    expect(links.map((l) => l.kind === 'link' && l.host)).toEqual(['a.example:8080', 'b.example']);
  });
});
