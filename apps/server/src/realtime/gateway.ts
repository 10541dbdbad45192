import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { LIMITS, ParleyError } from '@parley/protocol';
import type { Bus } from '../bus';
import type { Logger } from '../logger';
import type { Store } from '../store';
import { sha256Hex } from '../lib/tokens';
import type { AuthService } from '../modules/auth';
import { visitorActor, type ChatActor, type ChatService } from '../modules/chat';
import { isAllowedOrigin } from '../modules/orgs';
import type { VisitorService } from '../modules/visitors';
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
  rate: { burst: number; perSecond: number };
  parseCookie(header: string): Record<string, string | undefined>;
}

export interface Gateway {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every socket of an agent session (sign-out, revocation). */
  closeSession(tokenHash: string): void;
  connections(): number;
  close(): Promise<void>;
}

function reject(socket: Duplex, status: number, code: string): void {
  const body = JSON.stringify({ error: { code } });
  socket.end(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : status === 401 ? 'Unauthorized' : 'Not Found'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * The realtime gateway: `/ws/visitor` (token in the first frame) and
 * `/ws/agent` (session cookie). permessage-deflate is off (compression of
 * attacker-influenced data next to secrets invites BREACH-style attacks, and it
 * costs CPU on the hot path); frames above the limit close with 1009.
 */
export function createGateway(deps: GatewayDeps): Gateway {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: LIMITS.maxFrameBytes });
  const live = new Set<Connection>();

  const connectionDeps = {
    chat: deps.chat,
    bus: deps.bus,
    store: deps.store,
    log: deps.log,
    rate: deps.rate,
    async authenticateVisitor(token: string, origin: string | undefined): Promise<ChatActor & { kind: 'visitor' }> {
      const ctx = await deps.visitors.authenticate(token);
      if (!ctx) throw new ParleyError('invalid_token');
      if (!isAllowedOrigin(ctx.organisation, origin, deps.selfOrigins)) throw new ParleyError('origin_not_allowed');
      return visitorActor(ctx);
    },
  };

  function track(ws: WebSocket, conn: Connection): void {
    live.add(conn);
    ws.on('close', () => live.delete(conn));
  }

  async function upgradeAgent(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const origin = req.headers.origin;
    // Cross-site WebSocket hijacking: the cookie would ride along, so the origin decides.
    if (!origin || !deps.selfOrigins.has(origin)) return reject(socket, 403, 'origin_not_allowed');
    const token = deps.parseCookie(req.headers.cookie ?? '')[deps.sessionCookie];
    const ctx = await deps.auth.authenticate(token);
    if (!ctx || !token) return reject(socket, 401, 'unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new Connection(ws, connectionDeps, origin, { ...ctx.actor, name: ctx.agent.name }, sha256Hex(token));
      track(ws, conn);
    });
  }

  return {
    handleUpgrade(req, socket, head) {
      const path = (req.url ?? '').split('?')[0];
      if (path === '/ws/visitor') {
        wss.handleUpgrade(req, socket, head, (ws) => track(ws, new Connection(ws, connectionDeps, req.headers.origin)));
      } else if (path === '/ws/agent') {
        upgradeAgent(req, socket, head).catch((err: unknown) => {
          deps.log.error({ err: err instanceof Error ? err.message : 'unknown' }, 'agent upgrade failed');
          reject(socket, 500, 'internal_error');
        });
      } else {
        reject(socket, 404, 'not_found');
      }
    },
    closeSession(tokenHash) {
      for (const conn of live) if (conn.sessionTokenHash === tokenHash) conn.close('unauthorized', 'The session has ended.');
    },
    connections: () => live.size,
    async close() {
      for (const conn of live) conn.close('server_shutting_down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
