import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { LIMITS, ParleyError } from '@parley/protocol';
import type { Bus } from '../bus';
import type { Logger } from '../logger';
import type { Store } from '../store';
import { sha256Hex } from '../lib/tokens';
import { SESSION_TOPIC, type Admission, type AuthService } from '../modules/auth';
import { visitorActor, type ChatActor, type ChatService } from '../modules/chat';
import { isAllowedOrigin } from '../modules/orgs';
import { ALLOWLIST_TOPIC, clientIp, ipAllowed, type SecurityEvents } from '../modules/security';
import type { VisitorService } from '../modules/visitors';
import { BLOCKS_TOPIC } from '../modules/blocks';
import { Connection } from './connection';

export interface GatewayDeps {
  chat: ChatService;
  auth: AuthService;
  visitors: VisitorService;
  bus: Bus;
  store: Store;
  log: Logger;
  selfOrigins: ReadonlySet<string>;
  sessionCookie: string;
  /** Proxy hops whose X-Forwarded-For is believed: the same rule as HTTP requests. */
  trustProxy?: number;
  events?: SecurityEvents;
  /** The one admission decision shared with the HTTP hooks (modules/auth/admission.ts). */
  admission: Admission;
  /** How often live agent sockets re-check their session (expiry, idle timeout, revocation). */
  sessionCheckMs?: number;
  rate: { burst: number; perSecond: number };
  /** A frame flood or an upgrade over the per-address rate was refused (parley_rate_limited_total). */
  onRateLimited?: (scope: 'ws_frame' | 'ws_upgrade') => void;
  /** Sockets per address and per visitor, and upgrades per address per minute (issue 11 item 2). */
  socketLimits?: {
    perAddress: number;
    perVisitor: number;
    upgrades?: { hit(key: string): Promise<number> };
  };
  parseCookie(header: string): Record<string, string | undefined>;
  /** Console sockets opening and closing: presence (modules/routing) counts them per node. */
  agentPresence?: {
    opened(orgId: string, agentId: string): void;
    closed(orgId: string, agentId: string): void;
  };
}

export interface Gateway {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Re-checks every live agent socket's session now (the periodic check does it every sessionCheckMs). */
  checkSessions(): Promise<void>;
  connections(): number;
  /** Live sockets by kind, for metrics. */
  connectionsByKind(): Record<string, number>;
  close(): Promise<void>;
}

const REASONS: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

function reject(socket: Duplex, status: number, code: string, retryAfter?: number): void {
  const body = JSON.stringify({ error: { code } });
  const extra = retryAfter ? `Retry-After: ${retryAfter}\r\n` : '';
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\n${extra}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * The realtime gateway: `/ws/visitor` (token in the first frame) and
 * `/ws/agent` (session cookie). permessage-deflate is off (compression of
 * attacker-influenced data next to secrets invites BREACH-style attacks, and it
 * costs CPU on the hot path); frames above the limit close with 1009.
 */
export function createGateway(deps: GatewayDeps): Gateway {
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: LIMITS.maxFrameBytes,
  });
  const live = new Set<Connection>();

  // Socket activity keeps the session alive (at most one write per session every few seconds).
  const touched = new Map<string, number>();
  const touchSession = (tokenHash: string) => {
    const now = Date.now();
    if (now - (touched.get(tokenHash) ?? 0) < 5_000) return;
    touched.set(tokenHash, now);
    deps.auth.touch(tokenHash).catch(() => undefined);
  };

  const connectionDeps = {
    chat: deps.chat,
    bus: deps.bus,
    store: deps.store,
    log: deps.log,
    rate: deps.rate,
    onRateLimited: deps.onRateLimited,
    touchSession,
    async authenticateVisitor(
      token: string,
      origin: string | undefined,
      identity?: string,
      ip?: string,
    ): Promise<ChatActor & { kind: 'visitor' }> {
      const ctx = await deps.visitors.authenticate(token, {
        identity,
        ip: ip ?? null,
        maskName: (name, orgId) => deps.chat.maskName(name, orgId),
      });
      if (!ctx) throw new ParleyError('invalid_token');
      if (!isAllowedOrigin(ctx.organisation, origin, deps.selfOrigins))
        throw new ParleyError('origin_not_allowed');
      const perVisitor = deps.socketLimits?.perVisitor;
      if (perVisitor !== undefined) {
        let n = 0;
        for (const c of live) if (c.visitorId === ctx.visitor.id) n += 1;
        if (n >= perVisitor) throw new ParleyError('too_many_requests');
      }
      return visitorActor(ctx);
    },
  };

  /** Closes every socket of an agent session (sign-out, revocation). */
  function closeSession(tokenHash: string): void {
    touched.delete(tokenHash);
    for (const conn of live)
      if (conn.sessionTokenHash === tokenHash) conn.close('unauthorized', 'The session has ended.');
  }

  // Sign-out, "sign out everywhere", revocation and lockouts on any node end the sockets here.
  const sessionSubscription = deps.bus.subscribe(SESSION_TOPIC, (e) => {
    try {
      const { tokenHashes } = JSON.parse(e.frame) as { tokenHashes?: unknown };
      if (Array.isArray(tokenHashes))
        for (const h of tokenHashes) if (typeof h === 'string') closeSession(h);
    } catch {
      deps.log.warn('malformed session event');
    }
  });
  // The bus never rejects a subscribe; this is belt and braces for a driver that does.
  sessionSubscription.catch(() => undefined);

  // Sessions that time out (idle, absolute) end without any request: check periodically.
  async function checkSessions(): Promise<void> {
    const hashes = new Set<string>();
    for (const conn of live) if (conn.sessionTokenHash) hashes.add(conn.sessionTokenHash);
    for (const h of hashes) {
      const alive = await deps.auth.sessionAlive(h).catch(() => true);
      if (!alive) closeSession(h);
    }
  }
  const sessionTimer = setInterval(
    () =>
      void checkSessions().catch((err: unknown) =>
        deps.log.warn(
          { err: err instanceof Error ? err.message : 'unknown' },
          'session check failed',
        ),
      ),
    deps.sessionCheckMs ?? 30_000,
  );
  sessionTimer.unref();

  const perAddress = new Map<string, number>();
  const addressOf = new Map<Connection, string>();
  function track(ws: WebSocket, conn: Connection, ip: string): void {
    live.add(conn);
    addressOf.set(conn, ip);
    perAddress.set(ip, (perAddress.get(ip) ?? 0) + 1);
    ws.on('close', () => {
      live.delete(conn);
      const agent = agentSockets.get(conn);
      if (agent) deps.agentPresence?.closed(agent.orgId, agent.agentId);
      addressOf.delete(conn);
      agentSockets.delete(conn);
      const left = (perAddress.get(ip) ?? 1) - 1;
      if (left <= 0) perAddress.delete(ip);
      else perAddress.set(ip, left);
    });
  }

  /** 0 when the address may open one more socket, else the seconds to wait (429 Retry-After). */
  async function socketAdmission(ip: string): Promise<number> {
    const limits = deps.socketLimits;
    if (!limits) return 0;
    if ((perAddress.get(ip) ?? 0) >= limits.perAddress) return 10;
    const wait = (await limits.upgrades?.hit(ip)) ?? 0;
    if (wait > 0) deps.onRateLimited?.('ws_upgrade');
    return wait;
  }

  // Issue 10 finding 4: an allowlist change on any node closes this node's agent
  // sockets from addresses it no longer allows, each closure a security event.
  const agentSockets = new Map<Connection, { orgId: string; agentId: string; ip: string }>();
  const allowlistSubscription = deps.bus.subscribe(ALLOWLIST_TOPIC, (e) => {
    try {
      const { orgId, ipAllowlist } = JSON.parse(e.frame) as {
        orgId?: unknown;
        ipAllowlist?: unknown;
      };
      if (typeof orgId !== 'string' || !Array.isArray(ipAllowlist)) return;
      const ranges = ipAllowlist.filter((r): r is string => typeof r === 'string');
      for (const [conn, who] of agentSockets) {
        if (who.orgId !== orgId || ipAllowed(ranges, who.ip)) continue;
        conn.close('ip_not_allowed');
        void deps.events
          ?.emit(orgId, 'allowlist_closed', {
            agentId: who.agentId,
            ip: who.ip,
            detail: { at: 'socket' },
          })
          .catch(() => undefined);
      }
    } catch {
      deps.log.warn('malformed allowlist event');
    }
  });

  // Issue 11 item 4: a block on any node closes the visitor sockets it covers on every node.
  const blockSubscription = deps.bus.subscribe(BLOCKS_TOPIC, (e) => {
    try {
      const { orgId, visitorIds, network } = JSON.parse(e.frame) as {
        orgId?: unknown;
        visitorIds?: unknown;
        network?: unknown;
      };
      if (typeof orgId !== 'string') return;
      const ids = new Set(
        Array.isArray(visitorIds) ? visitorIds.filter((v) => typeof v === 'string') : [],
      );
      const range = typeof network === 'string' ? [network] : null;
      for (const conn of live) {
        if (conn.orgId !== orgId || conn.visitorId === undefined) continue;
        const ip = addressOf.get(conn);
        if (ids.has(conn.visitorId) || (range && ip && ipAllowed(range, ip)))
          conn.close('chat_unavailable');
      }
    } catch {
      deps.log.warn('malformed block event');
    }
  });

  async function upgradeAgent(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const origin = req.headers.origin;
    const token = deps.parseCookie(req.headers.cookie ?? '')[deps.sessionCookie];
    const ip = clientIp(
      req.socket.remoteAddress,
      req.headers['x-forwarded-for'],
      deps.trustProxy ?? 0,
    );
    let ctx;
    try {
      ctx = await deps.admission({
        transport: 'socket',
        token,
        ip,
        method: 'GET',
        origin,
        route: 'socket',
      });
    } catch (err) {
      if (!(err instanceof ParleyError)) throw err;
      // No socket with the password alone when a second factor is due: 401 like a missing session.
      const status = err.code === 'password_change_required' ? 401 : err.status;
      return reject(socket, status, err.code);
    }
    if (!token) return reject(socket, 401, 'unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new Connection(
        ws,
        connectionDeps,
        origin,
        { ...ctx.actor, name: ctx.agent.name },
        sha256Hex(token),
      );
      track(ws, conn, ip);
      agentSockets.set(conn, { orgId: ctx.agent.orgId, agentId: ctx.agent.id, ip });
      deps.agentPresence?.opened(ctx.agent.orgId, ctx.agent.id);
    });
  }

  return {
    handleUpgrade(req, socket, head) {
      // Law 8: from the 'upgrade' event until ws takes the socket, nobody else listens for
      // its errors, and admission is async: a client that resets meanwhile would be an
      // uncaught ECONNRESET.
      socket.on('error', () => socket.destroy());
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/ws/visitor' && path !== '/ws/agent') return reject(socket, 404, 'not_found');
      const ip = clientIp(
        req.socket.remoteAddress,
        req.headers['x-forwarded-for'],
        deps.trustProxy ?? 0,
      );
      const upgrade = async () => {
        const wait = await socketAdmission(ip);
        if (wait > 0) return reject(socket, 429, 'too_many_requests', wait);
        if (path === '/ws/agent') return upgradeAgent(req, socket, head);
        const visitorDeps = {
          ...connectionDeps,
          authenticateVisitor: (token: string, origin: string | undefined, identity?: string) =>
            connectionDeps.authenticateVisitor(token, origin, identity, ip),
        };
        wss.handleUpgrade(req, socket, head, (ws) =>
          track(ws, new Connection(ws, visitorDeps, req.headers.origin), ip),
        );
      };
      upgrade().catch((err: unknown) => {
        deps.log.error(
          { err: err instanceof Error ? err.message : 'unknown', path },
          'upgrade failed',
        );
        reject(socket, 500, 'internal_error');
      });
    },
    checkSessions,
    connections: () => live.size,
    connectionsByKind: () => {
      const counts: Record<string, number> = { visitor: 0, agent: 0, unauthenticated: 0 };
      for (const c of live) counts[c.kind] = (counts[c.kind] ?? 0) + 1;
      return counts;
    },
    async close() {
      clearInterval(sessionTimer);
      for (const sub of [sessionSubscription, allowlistSubscription, blockSubscription])
        void sub.then(
          (unsubscribe) => unsubscribe(),
          () => undefined,
        );
      for (const conn of live) conn.close('server_shutting_down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
