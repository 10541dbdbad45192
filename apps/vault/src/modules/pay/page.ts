/**
 * The built pay page (apps/pay/dist): read once at startup, every script and
 * stylesheet it references given a sha384 integrity attribute, served with a
 * strict CSP. Refusals are plain HTML pages, never stack traces.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface PayAssets {
  /** index.html with integrity attributes added; placeholders still to fill. */
  template: string;
  /** path under /pay/assets/ → file bytes and type. */
  files: Map<string, { body: Buffer; type: string; integrity: string }>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

export function sri(body: Buffer): string {
  return `sha384-${createHash('sha384').update(body).digest('base64')}`;
}

/** Loads dist/ and adds integrity attributes; undefined when the page is not built. */
export function loadPayAssets(distDir: string): PayAssets | undefined {
  const index = join(distDir, 'index.html');
  if (!existsSync(index)) return undefined;
  const files = new Map<string, { body: Buffer; type: string; integrity: string }>();
  const assetsDir = join(distDir, 'assets');
  if (existsSync(assetsDir)) {
    for (const name of readdirSync(assetsDir)) {
      const ext = name.slice(name.lastIndexOf('.'));
      const type = TYPES[ext];
      if (!type) continue;
      const body = readFileSync(join(assetsDir, name));
      files.set(name, { body, type, integrity: sri(body) });
    }
  }
  let template = readFileSync(index, 'utf8');
  template = template.replace(
    /<(script|link)\b([^>]*?)\s(src|href)="\/pay\/assets\/([^"]+)"([^>]*)>/g,
    (whole, tag: string, before: string, attr: string, name: string, after: string) => {
      const file = files.get(name);
      if (!file || /integrity=/.test(whole)) return whole;
      const cross = /crossorigin/.test(whole) ? '' : ' crossorigin="anonymous"';
      return `<${tag}${before} ${attr}="/pay/assets/${name}" integrity="${file.integrity}"${cross}${after}>`;
    },
  );
  return { template, files };
}

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** The page for one payment: ids the script needs go in meta tags (no inline script). */
export function renderPayPage(
  assets: PayAssets,
  meta: { paymentId: string; openerOrigin: string },
): string {
  const tags = `<meta name="parley-payment-id" content="${escapeHtml(meta.paymentId)}">\n    <meta name="parley-opener-origin" content="${escapeHtml(meta.openerOrigin)}">`;
  return assets.template.replace('<!--parley-meta-->', tags);
}

/** Origins a hosted processor's SDK needs; exactly these are added to the pay page's CSP. */
export interface ProcessorCsp {
  script: string[];
  frame: string[];
  connect: string[];
}

export function contentSecurityPolicy(
  frameAncestors: string[],
  processor: ProcessorCsp | undefined = undefined,
): string {
  const ancestors = frameAncestors.length > 0 ? [...new Set(frameAncestors)].join(' ') : "'none'";
  const plus = (list: string[] | undefined) => (list?.length ? ` ${list.join(' ')}` : '');
  return [
    "default-src 'self'",
    `script-src 'self'${plus(processor?.script)}`,
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${plus(processor?.connect)}`,
    ...(processor ? [`frame-src${plus(processor.frame)}`] : []),
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
}

const REFUSALS = {
  unknown: {
    status: 404,
    title: 'This payment link is not valid',
    text: 'The link is incomplete or does not belong to a payment. Ask the agent in the chat for a new payment link.',
  },
  used: {
    status: 410,
    title: 'This payment link has already been used',
    text: 'For your safety each payment link opens only once. If you closed the payment window, ask the agent in the chat for a new link.',
  },
  expired: {
    status: 410,
    title: 'This payment request has expired',
    text: 'Nothing was charged. Ask the agent in the chat for a new payment request.',
  },
  closed: {
    status: 410,
    title: 'This payment request is closed',
    text: 'It has been paid, canceled or has failed. The chat shows its status.',
  },
  session: {
    status: 401,
    title: 'This payment window is no longer valid',
    text: 'Open the payment again from the chat.',
  },
  returned: {
    status: 200,
    title: 'Thank you',
    text: 'Your bank has answered. You can close this window; the chat shows the result of the payment.',
  },
  unavailable: {
    status: 503,
    title: 'Payments are unavailable',
    text: 'The payment page is not installed on this server. Nothing was charged.',
  },
} as const;

export type RefusalKind = keyof typeof REFUSALS;

export function refusalPage(
  kind: RefusalKind,
  assets: PayAssets | undefined,
): { status: number; html: string } {
  const r = REFUSALS[kind];
  const sheet = assets
    ? [...assets.files.entries()].find(([name]) => name.endsWith('.css'))
    : undefined;
  const css = sheet
    ? `\n    <link rel="stylesheet" href="/pay/assets/${sheet[0]}" integrity="${sheet[1].integrity}" crossorigin="anonymous">`
    : '';
  const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${escapeHtml(r.title)}</title>${css}
  </head>
  <body>
    <main class="card" id="refusal" data-reason="${kind}">
      <h1>${escapeHtml(r.title)}</h1>
      <p>${escapeHtml(r.text)}</p>
    </main>
  </body>
</html>
`;
  return { status: r.status, html };
}
