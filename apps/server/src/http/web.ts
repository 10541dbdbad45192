import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { Store } from '../store';
import { connectSources } from './headers';

export interface WebOptions {
  webRoot: string;
  store: Store;
  selfOrigins: ReadonlySet<string>;
}

function readIfExists(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

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
 * Serves the built browser apps: the console at `/`, the widget loader at
 * `/widget.js`, the chat frame at `/frame/` (embeddable only by the
 * organisation's allowed origins) and the demo page at `/demo`.
 */
export async function registerWeb(app: FastifyInstance, opts: WebOptions): Promise<void> {
  // Computed per response: the origins are known only once the server listens (port 0 in tests).
  const pageHeaders = (reply: FastifyReply, frameAncestors: string) =>
    pageHeadersFor(reply, frameAncestors, connectSources(opts.selfOrigins));
  const consoleDir = join(opts.webRoot, 'apps/console/dist');
  const frameDir = join(opts.webRoot, 'apps/widget/dist/frame');
  const loaderFile = join(opts.webRoot, 'apps/widget/dist/loader/widget.js');

  // Read once at boot; rebuilt assets are picked up on restart.
  const consoleHtml = readIfExists(join(consoleDir, 'index.html'));
  const frameHtml = readIfExists(join(frameDir, 'index.html'));
  const loaderJs = readIfExists(loaderFile);

  if (existsSync(join(consoleDir, 'assets'))) {
    await app.register(fastifyStatic, {
      root: join(consoleDir, 'assets'),
      prefix: '/assets/',
      decorateReply: false,
      index: false,
      immutable: true,
      maxAge: '365d',
    });
  }
  if (existsSync(join(frameDir, 'assets'))) {
    await app.register(fastifyStatic, {
      root: join(frameDir, 'assets'),
      prefix: '/frame/assets/',
      decorateReply: false,
      index: false,
      immutable: true,
      maxAge: '365d',
    });
  }

  const sendConsole = async (_req: unknown, reply: FastifyReply) => {
    if (!consoleHtml) return notBuilt(reply, 'console');
    pageHeaders(reply, "'none'");
    return reply.type('text/html; charset=utf-8').send(consoleHtml);
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
  ]) {
    app.get(path, sendConsole);
  }

  app.get('/widget.js', async (_req, reply) => {
    if (!loaderJs) return notBuilt(reply, 'widget loader');
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('cache-control', 'public, max-age=300');
    // The loader runs on customers' sites; it must be fetchable cross-origin.
    void reply.header('cross-origin-resource-policy', 'cross-origin');
    return reply.type('text/javascript; charset=utf-8').send(loaderJs);
  });

  app.get('/frame/', async (request, reply) => {
    if (!frameHtml) return notBuilt(reply, 'chat frame');
    const key = (request.query as { org?: unknown }).org;
    const org =
      typeof key === 'string' && key.length <= 64 ? await opts.store.orgs.byKey(key) : undefined;
    const ancestors = ["'self'", ...(org?.allowedOrigins ?? [])].join(' ');
    pageHeaders(reply, ancestors);
    return reply.type('text/html; charset=utf-8').send(frameHtml);
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
<script src="/widget.js" data-org="${org.key}" async></script>
</body>
</html>`);
  });

  app.get('/demo.css', async (_req, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .send(
        'body{font-family:system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2433}main{max-width:40rem;margin:4rem auto;padding:0 1.5rem}pre{background:#fff;border:1px solid #dde1e8;padding:1rem;overflow:auto;border-radius:6px}',
      ),
  );
}
