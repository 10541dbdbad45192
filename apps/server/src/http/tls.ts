import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Logger } from '../logger';

/**
 * Parley's own TLS listener (issue 17, item 1): HTTPS and WSS on one port from
 * a PEM certificate chain and key, reloaded in place when the files change
 * (a renewal by certbot or an ACME client) so open sockets are not dropped —
 * new handshakes get the new certificate, established connections keep theirs.
 */

export interface TlsFiles {
  cert: string;
  key: string;
}

interface Loaded {
  cert: Buffer;
  key: Buffer;
  fingerprint: string;
  validTo: string;
}

function load(files: TlsFiles): Loaded {
  const cert = readFileSync(files.cert);
  const key = readFileSync(files.key);
  const x509 = new X509Certificate(cert);
  if (!x509.checkPrivateKey(createPrivateKey(key)))
    throw new Error('the TLS key does not belong to the certificate');
  return { cert, key, fingerprint: x509.fingerprint256, validTo: x509.validTo };
}

export interface TlsServer {
  /** The server Fastify serves on (an https.Server, typed as Node's http.Server). */
  server: HttpServer;
  /** Reads the files again and swaps the certificate; throws (keeping the old one) when they are bad. */
  reload(): { fingerprint: string; validTo: string };
  stop(): void;
}

/**
 * Creates the HTTPS server for Fastify's `serverFactory` and watches the files.
 * Throws at start when the files are missing, unreadable or do not match.
 */
export function createTlsServer(
  files: TlsFiles,
  log: Logger,
  handler: Parameters<typeof createHttpsServer>[1],
  pollMs = 2000,
): TlsServer {
  const first = load(files);
  const server: HttpsServer = createHttpsServer(
    { cert: first.cert, key: first.key, minVersion: 'TLSv1.2' },
    handler,
  );
  let current = first.fingerprint;
  log.info({ fingerprint: first.fingerprint, validTo: first.validTo }, 'tls: serving HTTPS');
  const reload = (): { fingerprint: string; validTo: string } => {
    const next = load(files);
    server.setSecureContext({ cert: next.cert, key: next.key, minVersion: 'TLSv1.2' });
    if (next.fingerprint !== current)
      log.info(
        { fingerprint: next.fingerprint, validTo: next.validTo },
        'tls: certificate reloaded',
      );
    current = next.fingerprint;
    return { fingerprint: next.fingerprint, validTo: next.validTo };
  };
  // Polling, not fs.watch: renewals often replace the files (or a symlink) rather than write them.
  let pending: NodeJS.Timeout | undefined;
  const onChange = (): void => {
    // Cert and key are usually written one after the other: settle, then read both.
    clearTimeout(pending);
    pending = setTimeout(() => {
      try {
        reload();
      } catch (err) {
        log.error(
          { err: err instanceof Error ? err.message : String(err) },
          'tls: the new certificate or key could not be used; still serving the previous one',
        );
      }
    }, 200);
    pending.unref();
  };
  watchFile(files.cert, { interval: pollMs, persistent: false }, onChange);
  watchFile(files.key, { interval: pollMs, persistent: false }, onChange);
  return {
    server: server,
    reload,
    stop() {
      clearTimeout(pending);
      unwatchFile(files.cert, onChange);
      unwatchFile(files.key, onChange);
    },
  };
}

/**
 * A plain-HTTP listener that only redirects to the HTTPS origin. The target is
 * the configured origin, never the request's Host header (no open redirect).
 */
export async function startHttpRedirect(opts: {
  host: string;
  port: number;
  httpsOrigin: string;
}): Promise<{ port: number; close(): Promise<void> }> {
  const server = createHttpServer((req, res) => {
    const path = (req.url ?? '/').startsWith('/') ? (req.url ?? '/') : '/';
    res.writeHead(308, {
      location: `${opts.httpsOrigin}${path}`,
      'content-length': '0',
      'x-content-type-options': 'nosniff',
    });
    res.end();
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : opts.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
