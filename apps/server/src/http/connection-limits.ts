import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../logger';

export interface ConnectionLimits {
  /** Open TCP connections per remote address; 0 = no cap. */
  httpMaxConnectionsPerAddress: number;
  httpHeadersTimeoutMs: number;
  httpRequestTimeoutMs: number;
}

/**
 * Slowloris: a connection that has not completed a request's headers within
 * `httpHeadersTimeoutMs` is destroyed. Node's own headersTimeout is only
 * checked every 30 s (connectionsCheckingInterval); this timer is exact. Keyed
 * by address and port so that it works for TLS too (the request's socket is
 * then the TLS socket, not the TCP one). Idle keep-alive connections are
 * Node's keepAliveTimeout's business.
 */
export function closeSlowHeaders(server: Server, limits: ConnectionLimits): void {
  const timers = new Map<string, NodeJS.Timeout>();
  const key = (s: Socket) => `${s.remoteAddress ?? ''}|${s.remotePort ?? ''}`;
  server.on('connection', (socket: Socket) => {
    const k = key(socket);
    const t = setTimeout(() => {
      timers.delete(k);
      socket.destroy();
    }, limits.httpHeadersTimeoutMs);
    t.unref();
    timers.set(k, t);
    socket.once('close', () => {
      clearTimeout(timers.get(k));
      timers.delete(k);
    });
  });
  const done = (req: { socket: Socket }) => {
    const k = key(req.socket);
    clearTimeout(timers.get(k));
    timers.delete(k);
  };
  server.on('request', done);
  server.on('upgrade', done);
}

/**
 * Caps open TCP connections per remote address (slowloris: hundreds of
 * half-open connections from one address). Only without a trusted proxy:
 * behind one, every connection comes from the proxy, which must cap instead.
 * Connections over the cap are destroyed at once, before any byte is read.
 */
export function capConnections(server: Server, limits: ConnectionLimits, log: Logger): void {
  const max = limits.httpMaxConnectionsPerAddress;
  if (max === 0) return;
  const open = new Map<string, number>();
  let refused = 0;
  let lastLog = 0;
  server.on('connection', (socket: Socket) => {
    const addr = socket.remoteAddress ?? 'unknown';
    const n = open.get(addr) ?? 0;
    if (n >= max) {
      refused += 1;
      const now = Date.now();
      // One log line per minute, however many are refused.
      if (now - lastLog > 60_000) {
        lastLog = now;
        log.warn({ ip: addr, refused }, 'connection cap reached; refusing connections');
        refused = 0;
      }
      socket.destroy();
      return;
    }
    open.set(addr, n + 1);
    socket.once('close', () => {
      const left = (open.get(addr) ?? 1) - 1;
      if (left <= 0) open.delete(addr);
      else open.set(addr, left);
    });
  });
}
