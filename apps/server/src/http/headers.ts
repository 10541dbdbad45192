import type { FastifyInstance } from 'fastify';
import { isIP } from 'node:net';
import { BlockList } from 'node:net';

/**
 * Headers on EVERY response of the server (issue 10 finding 10), API and pages
 * alike: `nosniff`; HSTS when served over TLS; and for HTML a CSP whose
 * `connect-src` names only Parley's own origins (and their ws/wss twins), not
 * any host. Pages set their own CSP (frame-ancestors differ); this hook fills
 * in what a route did not set.
 */
export function installSecurityHeaders(
  app: FastifyInstance,
  opts: { tls: boolean; selfOrigins: ReadonlySet<string> },
): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('x-content-type-options', 'nosniff');
    if (opts.tls)
      void reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    if (!reply.hasHeader('referrer-policy')) void reply.header('referrer-policy', 'no-referrer');
    return payload;
  });
}

/** `connect-src` of Parley's own pages: its origins and their WebSocket twins, nothing else. */
export function connectSources(selfOrigins: ReadonlySet<string>): string {
  const out = ["'self'"];
  for (const o of selfOrigins) out.push(o, o.replace(/^http/, 'ws'));
  return out.join(' ');
}

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['127.0.0.0', 8],
  ['100.64.0.0', 10],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv4');
PRIVATE.addSubnet('::1', 128, 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');

/**
 * With PARLEY_TRUST_PROXY=0 a request from a loopback or private peer that
 * carries X-Forwarded-For is almost certainly a reverse proxy Parley does not
 * believe: every client then shares the proxy's address for throttling and the
 * allowlist. Warned once per process (docs/security.md).
 */
export function warnAboutUntrustedProxy(app: FastifyInstance, trustProxy: number): void {
  if (trustProxy > 0) return;
  let warned = false;
  app.addHook('onRequest', async (request) => {
    if (warned || request.headers['x-forwarded-for'] === undefined) return;
    const peer = (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const family = isIP(peer);
    if (family === 0 || !PRIVATE.check(peer, family === 4 ? 'ipv4' : 'ipv6')) return;
    warned = true;
    request.log.warn(
      { peer },
      'a proxy forwards to Parley but PARLEY_TRUST_PROXY=0: every client shares its address for sign-in throttling and the IP allowlist; set PARLEY_TRUST_PROXY to the number of proxy hops',
    );
  });
}
