import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../store';
import { negotiateEncoding } from './static-assets';
import { registerWeb } from './web';

describe('negotiateEncoding (Accept-Encoding, RFC 9110)', () => {
  const both = { br: 1, gzip: 1 };
  it.each([
    [undefined, both, 'identity'],
    ['', both, 'identity'],
    ['gzip, deflate, br', both, 'br'],
    ['gzip', both, 'gzip'],
    ['br;q=0, gzip', both, 'gzip'],
    ['gzip;q=0.5, br;q=0.4', both, 'gzip'],
    ['*', both, 'br'],
    ['*;q=0', both, 'identity'],
    ['identity', both, 'identity'],
    ['br', { gzip: 1 }, 'identity'],
    ['br, gzip', { gzip: 1 }, 'gzip'],
    ['x-gzip', both, 'gzip'],
    ['GZIP ; Q=1', both, 'gzip'],
  ] as const)('%j with %j → %s', (header, available, expected) => {
    expect(negotiateEncoding(header, available)).toBe(expected);
  });
});

// The built layout of dist/web (scripts/build-web.mjs) with precompressed twins
// (scripts/precompress.mjs), written here so that the test needs no build.
const JS = `console.log(${JSON.stringify('parley '.repeat(200))});\n`;
const HTML = `<!doctype html><html><head><script type="module" src="/assets/index-AbC123.js"></script></head><body>${'<p>console</p>'.repeat(40)}</body></html>`;
const LOADER = `(function(){${'var a=1;'.repeat(200)}})();\n`;

function writeAsset(root: string, path: string, content: string): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  writeFileSync(`${file}.br`, brotliCompressSync(content));
  writeFileSync(`${file}.gz`, gzipSync(content));
}

describe('built web assets are served compressed with caching headers', () => {
  let root: string;
  let store: Store;
  let app: FastifyInstance;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'parley-web-'));
    writeAsset(root, 'console/index.html', HTML);
    writeAsset(root, 'console/assets/index-AbC123.js', JS);
    writeAsset(root, 'frame/index.html', HTML);
    writeAsset(root, 'frame/assets/index-DeF456.js', JS);
    writeAsset(root, 'loader/widget.js', LOADER);
    store = await createStore({ kind: 'sqlite', file: join(root, 'parley.db') });
    await store.migrate();
    app = Fastify();
    await registerWeb(app, { webRoot: root, store, selfOrigins: new Set(['http://127.0.0.1']) });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(root, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers });

  it('sends a hashed asset as brotli, gzip or raw as the client accepts, cached for a year', async () => {
    const br = await get('/assets/index-AbC123.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(JS);
    expect(br.rawPayload.length).toBeLessThan(JS.length / 4);

    const gz = await get('/assets/index-AbC123.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(JS);

    const raw = await get('/assets/index-AbC123.js');
    expect(raw.headers['content-encoding']).toBeUndefined();
    expect(raw.headers.vary).toBe('Accept-Encoding');
    expect(raw.payload).toBe(JS);
    // Every variant carries the same ETag: it names the content, not the encoding's bytes.
    expect(new Set([br.headers.etag, gz.headers.etag, raw.headers.etag]).size).toBe(1);

    const frame = await get('/frame/assets/index-DeF456.js', { 'accept-encoding': 'br' });
    expect(frame.headers['content-encoding']).toBe('br');
    expect(frame.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('revalidates HTML entry points (no-cache + ETag) and keeps their security headers', async () => {
    const page = await get('/', { 'accept-encoding': 'br' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(brotliDecompressSync(page.rawPayload).toString()).toBe(HTML);
    const again = await get('/', { 'if-none-match': String(page.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.payload).toBe('');

    const frame = await get('/frame/?org=nope', { 'accept-encoding': 'gzip' });
    expect(frame.headers['cache-control']).toBe('no-cache');
    expect(frame.headers['content-encoding']).toBe('gzip');
    expect(frame.headers['content-security-policy']).toMatch(/frame-ancestors 'self'/);
  });

  it('gives the widget loader, which customers reference by a fixed name, a short cache and an ETag', async () => {
    const loader = await get('/widget.js', { 'accept-encoding': 'br, gzip' });
    expect(loader.statusCode).toBe(200);
    expect(loader.headers['cache-control']).toBe('public, max-age=300');
    expect(loader.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(loader.headers.vary).toBe('Accept-Encoding');
    expect(loader.headers.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(brotliDecompressSync(loader.rawPayload).toString()).toBe(LOADER);
    const revalidated = await get('/widget.js', { 'if-none-match': String(loader.headers.etag) });
    expect(revalidated.statusCode).toBe(304);
    const changed = await get('/widget.js', { 'if-none-match': '"something-else"' });
    expect(changed.statusCode).toBe(200);
  });

  it('answers HEAD without a body and 404 for an asset that is not in the build', async () => {
    const head = await app.inject({
      method: 'HEAD',
      url: '/assets/index-AbC123.js',
      headers: { 'accept-encoding': 'br' },
    });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-encoding']).toBe('br');
    expect(head.payload).toBe('');
    expect((await get('/assets/nope.js')).statusCode).toBe(404);
    expect((await get('/assets/..%2f..%2fparley.db')).statusCode).toBe(404);
  });
});
