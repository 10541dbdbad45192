import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../store';
import {
  IMMUTABLE,
  loadStaticDir,
  loadStaticFile,
  REVALIDATE,
  sendStatic,
  staticFile,
  type StaticFile,
} from './static-assets';
import { connectSources } from './headers';

export interface WebOptions {
  webRoot: string;
  store: Store;
  selfOrigins: ReadonlySet<string>;
}

const DEMO_CSS =
  'body{font-family:system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2433}main{max-width:40rem;margin:4rem auto;padding:0 1.5rem}pre{background:#fff;border:1px solid #dde1e8;padding:1rem;overflow:auto;border-radius:6px}';

function notBuilt(reply: FastifyReply, what: string) {
  return reply
    .status(503)
    .type('text/plain; charset=utf-8')
    .send(`The ${what} has not been built. Run \`npm run build\` (npm start does it for you).`);
}

/** Strict headers for every page the server itself renders; sockets only to Parley's own origins. */
function pageHeadersFor(reply: FastifyReply, frameAncestors: string, connectSrc: string): void {
  void reply.header(
    'content-security-policy',
    `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src ${connectSrc}; frame-ancestors ${frameAncestors}; base-uri 'none'; form-action 'self'; object-src 'none'`,
  );
  void reply.header('x-content-type-options', 'nosniff');
  void reply.header('referrer-policy', 'no-referrer');
  void reply.header('cache-control', 'no-store');
}

/**
 * Serves the built browser apps from dist/web (`npm run build`): the console at
 * `/`, the widget loader at `/widget.js`, the chat frame at `/frame/`
 * (embeddable only by the organisation's allowed origins) and the demo page at
 * `/demo`. Files are read once at boot, precompressed twins included
 * (static-assets.ts): hashed assets are cached for a year, HTML and the loader
 * (fixed names that customers' pages reference) revalidate with their ETag.
 */
export async function registerWeb(app: FastifyInstance, opts: WebOptions): Promise<void> {
  // Computed per response: the origins are known only once the server listens (port 0 in tests).
  const pageHeaders = (reply: FastifyReply, frameAncestors: string) =>
    pageHeadersFor(reply, frameAncestors, connectSources(opts.selfOrigins));
  const consoleHtml = loadStaticFile(join(opts.webRoot, 'console/index.html'));
  const frameHtml = loadStaticFile(join(opts.webRoot, 'frame/index.html'));
  const loaderJs = loadStaticFile(join(opts.webRoot, 'loader/widget.js'));
  const consoleAssets = loadStaticDir(join(opts.webRoot, 'console/assets'));
  const frameAssets = loadStaticDir(join(opts.webRoot, 'frame/assets'));
  const demoCss = staticFile('text/css; charset=utf-8', DEMO_CSS);

  const serveAssets =
    (assets: Map<string, StaticFile>) => async (request: FastifyRequest, reply: FastifyReply) => {
      const file = assets.get((request.params as { name: string }).name);
      if (!file) return reply.callNotFound();
      return sendStatic(request, reply, file, IMMUTABLE);
    };
  app.get('/assets/:name', serveAssets(consoleAssets));
  app.get('/frame/assets/:name', serveAssets(frameAssets));

  const sendConsole = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!consoleHtml) return notBuilt(reply, 'console');
    pageHeaders(reply, "'none'");
    return sendStatic(request, reply, consoleHtml, REVALIDATE);
  };
  app.get('/', sendConsole);
  for (const path of [
    '/login',
    '/conversations',
    '/conversations/*',
    '/settings',
    '/settings/*',
    '/security',
    '/security/*',
    '/agents',
    '/audit',
    // Account self-service and the e-mailed unlock link (issue 10).
    '/profile',
    '/unlock',
    // The browsable API reference (apps/console/src/views/api-reference.tsx).
    '/api-docs',
    // Reports (apps/console/src/views/reports.tsx).
    '/reports',
    // History and search (apps/console/src/views/history.tsx).
    '/history',
  ]) {
    app.get(path, sendConsole);
  }

  app.get('/widget.js', async (request, reply) => {
    if (!loaderJs) return notBuilt(reply, 'widget loader');
    // The loader runs on customers' sites; it must be fetchable cross-origin.
    void reply.header('cross-origin-resource-policy', 'cross-origin');
    // Customers' pages name it without a hash: a short cache, then the ETag.
    return sendStatic(request, reply, loaderJs, 'public, max-age=300');
  });

  app.get('/frame/', async (request, reply) => {
    if (!frameHtml) return notBuilt(reply, 'chat frame');
    const key = (request.query as { org?: unknown }).org;
    const org =
      typeof key === 'string' && key.length <= 64 ? await opts.store.orgs.byKey(key) : undefined;
    const ancestors = ["'self'", ...(org?.allowedOrigins ?? [])].join(' ');
    pageHeaders(reply, ancestors);
    return sendStatic(request, reply, frameHtml, REVALIDATE);
  });
  app.get('/frame', async (request, reply) =>
    reply.redirect(`/frame/${request.url.slice('/frame'.length)}`),
  );

  app.get('/demo', async (request, reply) => {
    const key = (request.query as { org?: unknown }).org;
    const org =
      typeof key === 'string'
        ? await opts.store.orgs.byKey(key)
        : (await opts.store.orgs.list())[0];
    if (!org)
      return reply
        .status(404)
        .type('text/plain')
        .send('No organisation yet. Run `parley start` once to create one.');
    pageHeaders(reply, "'none'");
    // `?lang=de` tries the widget in a language, as a website's `data-lang` does (docs/widget.md).
    const lang = (request.query as { lang?: unknown }).lang;
    const dataLang =
      typeof lang === 'string' && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/.test(lang)
        ? ` data-lang="${lang}"`
        : '';
    const escaped = org.name.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    return reply.type('text/html; charset=utf-8').send(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escaped} — Parley demo shop</title>
<link rel="stylesheet" href="/demo.css">
</head>
<body>
<main>
<h1>${escaped}</h1>
<p>This is a demo page of a website that embeds the Parley chat widget with one script tag.
Open the chat with the button at the bottom right.</p>
<pre><code>&lt;script src="${'/widget.js'}" data-org="${org.key}" async&gt;&lt;/script&gt;</code></pre>
</main>
<script src="/widget.js" data-org="${org.key}"${dataLang} async></script>
</body>
</html>`);
  });

  app.get('/demo.css', async (request, reply) => sendStatic(request, reply, demoCss, REVALIDATE));
}
