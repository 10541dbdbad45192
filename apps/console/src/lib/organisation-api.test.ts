import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, setCsrfToken } from './api';
import { embedSnippet, organisationApi, parseCurrency, withOrigin } from './organisation-api';

const settings = {
  id: 'o1',
  key: 'pk_test',
  name: 'Acme',
  greeting: 'Hello!',
  allowedOrigins: ['https://shop.example'],
};

function fakeFetch(status: number, body: unknown) {
  const calls: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  });
  return calls;
}

const header = (init: RequestInit, name: string) => (init.headers as Record<string, string>)[name];

describe('organisation settings API', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setCsrfToken(null);
  });

  it('reads the settings with a GET and no CSRF token', async () => {
    setCsrfToken('csrf-1');
    const calls = fakeFetch(200, settings);
    expect(await organisationApi.get()).toEqual(settings);
    expect(calls[0]!.url).toBe('/api/settings/organisation');
    expect(calls[0]!.init.method).toBe('GET');
    expect(header(calls[0]!.init, 'x-csrf-token')).toBeUndefined();
  });

  it('saves only the fields given, with the CSRF token', async () => {
    setCsrfToken('csrf-1');
    const calls = fakeFetch(200, { ...settings, allowedOrigins: ['https://a.example'] });
    const saved = await organisationApi.save({ allowedOrigins: ['https://a.example'] });
    expect(saved.allowedOrigins).toEqual(['https://a.example']);
    expect(calls[0]!.init.method).toBe('PUT');
    expect(header(calls[0]!.init, 'x-csrf-token')).toBe('csrf-1');
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({
      allowedOrigins: ['https://a.example'],
    });
  });

  it("passes on the server's words when an entry is not an origin", async () => {
    const message = 'Not an origin (scheme://host[:port], no path): https://a.example/shop';
    fakeFetch(400, { error: { code: 'bad_request', message } });
    const err = await organisationApi
      .save({ allowedOrigins: ['https://a.example/shop'] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'bad_request', message });
  });

  it('rejects settings that do not match the expected shape', async () => {
    fakeFetch(200, { id: 'o1', name: 'Acme' });
    await expect(organisationApi.get()).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('reads and saves the payment currencies', async () => {
    setCsrfToken('csrf-2');
    const calls = fakeFetch(200, { enabled: false, currencies: ['EUR', 'GBP'], merchantName: 'A' });
    expect((await organisationApi.payments()).currencies).toEqual(['EUR', 'GBP']);
    await organisationApi.saveCurrencies(['EUR', 'GBP']);
    expect(calls.map((c) => [c.url, c.init.method])).toEqual([
      ['/api/payments/settings', 'GET'],
      ['/api/payments/settings', 'PUT'],
    ]);
    expect(header(calls[1]!.init, 'x-csrf-token')).toBe('csrf-2');
    expect(JSON.parse(calls[1]!.init.body as string)).toEqual({ currencies: ['EUR', 'GBP'] });
  });
});

describe('organisation settings helpers', () => {
  it('builds the embed snippet from the server origin and the organisation key', () => {
    expect(embedSnippet('https://chat.example.com', 'pk_abc')).toBe(
      '<script src="https://chat.example.com/widget.js" data-org="pk_abc" async></script>',
    );
    expect(embedSnippet('https://c.example', 'a"b')).toContain('data-org="a&quot;b"');
  });

  it('adds an origin once, trimmed and without a trailing slash', () => {
    expect(withOrigin(['https://a.example'], ' https://b.example/ ')).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
    expect(withOrigin(['https://a.example'], 'https://a.example')).toEqual(['https://a.example']);
    expect(withOrigin([], '   ')).toEqual([]);
  });

  it('accepts three-letter currency codes in any case', () => {
    expect(parseCurrency(' eur ')).toBe('EUR');
    expect(parseCurrency('EU')).toBeNull();
    expect(parseCurrency('EURO')).toBeNull();
    expect(parseCurrency('E1R')).toBeNull();
  });
});
