import type { WebSocket } from 'ws';
import {
  CLIENT_FRAME_TYPES,
  ClientFrameSchema,
  ERRORS,
  fastSendFrame,
  LIMITS,
  ParleyError,
  type ClientFrame,
  type ErrorCode,
  type ServerFrame,
} from '@parley/protocol';
import { topics, type Bus, type BusEvent } from '../bus';
import type { Logger } from '../logger';
import type { Store } from '../store';
import { can } from '../modules/auth';
import { presentMessageFrame, type ChatActor, type ChatService } from '../modules/chat';
import { securityTopic } from '../modules/security';
import { countFault } from '../lib/fault-counters';
import { asStoreError, errorContext } from '../lib/store-errors';
import { TokenBucket } from './rate-limit';
import { ConversationDelivery } from './subscription';

export interface ConnectionDeps {
  chat: ChatService;
  bus: Bus;
  store: Store;
  log: Logger;
  rate: { burst: number; perSecond: number };
  onRateLimited?: ((scope: 'ws_frame') => void) | undefined;
  /** Called on an agent's frames (not pings): socket activity counts against the idle timeout. */
  touchSession?(tokenHash: string): void;
  /** Resolves a visitor's auth frame to its actor, checking the socket's origin; throws ParleyError. */
  authenticateVisitor(
    token: string,
    origin: string | undefined,
    identity?: string,
  ): Promise<ChatActor & { kind: 'visitor' }>;
}

// A socket whose client does not read is cut off rather than buffering without
// bound (close slow_consumer, docs/protocol.md); after the close frame it gets
// a short grace to read it, then the TCP connection is dropped.
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const CUT_OFF_GRACE_MS = 2000;
const KNOWN_TYPES = new Set<string>(CLIENT_FRAME_TYPES);

// One write per socket per turn of the event loop (issue 18, must 7): a commit
// answers a whole batch at once, and each sender gets its ack and its own echo
// and each peer several messages; every ws.send was one writev. The first
// frame of a turn corks the TCP socket, a single setImmediate uncorks every
// corked socket after the commit's callbacks have run, so the frames leave in
// one write. Nested corks are counted by the stream, so ws's own cork per
// frame inside it is harmless.
interface Corkable {
  cork(): void;
  uncork(): void;
  destroyed: boolean;
}
const corked = new Set<Corkable>();
let uncorkScheduled = false;
function uncorkAll(): void {
  uncorkScheduled = false;
  for (const socket of corked) if (!socket.destroyed) socket.uncork();
  corked.clear();
}
function corkForThisTurn(ws: WebSocket): void {
  const socket = (ws as unknown as { _socket?: Corkable | null })._socket;
  if (!socket || socket.destroyed || corked.has(socket)) return;
  socket.cork();
  corked.add(socket);
  if (!uncorkScheduled) {
    uncorkScheduled = true;
    setImmediate(uncorkAll);
  }
}
function uncorkNow(ws: WebSocket): void {
  const socket = (ws as unknown as { _socket?: Corkable | null })._socket;
  if (socket && corked.delete(socket) && !socket.destroyed) socket.uncork();
}

/** One client socket: authentication, rate limit, frame dispatch, subscriptions. */
export class Connection {
  private actor: ChatActor | undefined;
  private readonly deliveries = new Map<
    string,
    { delivery: ConversationDelivery; unsubscribe: () => void }
  >();
  private orgUnsubscribe: (() => void) | undefined;
  private securityUnsubscribe: (() => void) | undefined;
  private readonly bucket: TokenBucket;
  private authTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: ConnectionDeps,
    private readonly origin: string | undefined,
    agent?: ChatActor & { kind: 'agent' },
    readonly sessionTokenHash?: string,
  ) {
    this.bucket = new TokenBucket(deps.rate.burst, deps.rate.perSecond);
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        this.sendError('invalid_frame');
        return;
      }
      const text = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8');
      this.onFrame(text).catch((err: unknown) => this.fail(err, 'frame'));
    });
    ws.on('close', () => this.dispose());
    ws.on('error', () => this.dispose());
    if (agent) this.ready(agent).catch((err: unknown) => this.fail(err, 'ready'));
    else this.authTimer = setTimeout(() => this.close('auth_timeout'), LIMITS.authTimeoutMs);
  }

  get orgId(): string | undefined {
    return this.actor?.orgId;
  }

  /** The visitor behind the socket once authenticated (per-visitor socket cap). */
  get visitorId(): string | undefined {
    return this.actor?.kind === 'visitor' ? this.actor.visitorId : undefined;
  }

  /** visitor or agent once authenticated; for metrics. */
  get kind(): string {
    return this.actor?.kind ?? 'unauthenticated';
  }

  /**
   * Writes a serialised frame, cutting off a client that stopped reading.
   * Never throws: it runs inside bus dispatch, where one socket must not
   * disturb the others or the sender.
   */
  write(frame: string): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      countFault('slowConsumerCutoffs');
      this.deps.log.warn(
        { orgId: this.actor?.orgId, buffered: this.ws.bufferedAmount },
        'slow consumer cut off',
      );
      this.close('slow_consumer');
      return;
    }
    corkForThisTurn(this.ws);
    this.ws.send(frame);
  }

  send(frame: ServerFrame): void {
    this.write(JSON.stringify(frame));
  }

  /** Ends the socket with the close code of a registry error. */
  close(code: ErrorCode, reason?: string): void {
    if (this.closed) return;
    // Closed first: nothing below may write through write() again (the
    // write → close → send → write recursion of issue 18).
    this.dispose();
    const entry: { close?: number; message: string } = ERRORS[code];
    const ws = this.ws;
    // What was written this turn leaves before the close frame.
    uncorkNow(ws);
    try {
      if (ws.readyState === ws.OPEN && ws.bufferedAmount <= MAX_BUFFERED_BYTES)
        ws.send(JSON.stringify({ type: 'error', code, message: reason ?? entry.message }));
      ws.close(entry.close ?? 1008, code);
    } catch {
      ws.terminate();
      return;
    }
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      const timer = setTimeout(() => ws.terminate(), CUT_OFF_GRACE_MS);
      timer.unref();
      ws.once('close', () => clearTimeout(timer));
    }
  }

  /** The last resort for a failure outside any frame's handling: one log line, then a retryable close. */
  private fail(err: unknown, at: string): void {
    const typed = asStoreError(err);
    this.deps.log.error({ at, orgId: this.actor?.orgId, ...errorContext(err) }, 'socket failed');
    this.close(typed instanceof ParleyError ? typed.code : 'internal_error');
  }

  private sendError(
    code: ErrorCode,
    extra: { clientMsgId?: string; conversationId?: string } = {},
    message?: string,
  ): void {
    this.send({ type: 'error', code, message: message ?? ERRORS[code].message, ...extra });
  }

  private async ready(actor: ChatActor): Promise<void> {
    this.actor = actor;
    if (actor.kind === 'agent') {
      this.orgUnsubscribe = await this.deps.bus.subscribe(topics.organisation(actor.orgId), (e) => {
        if (e.audience !== 'visitor') this.write(e.frame);
      });
      if (this.closed) this.orgUnsubscribe();
      // Security events reach only roles allowed to read them (modules/auth/policy.ts).
      if (can(actor, 'security_event:read', { orgId: actor.orgId })) {
        this.securityUnsubscribe = await this.deps.bus.subscribe(securityTopic(actor.orgId), (e) =>
          this.write(e.frame),
        );
        if (this.closed) this.securityUnsubscribe();
      }
    }
    this.send({
      type: 'ready',
      role: actor.kind,
      id: actor.kind === 'agent' ? actor.agentId : actor.visitorId,
    });
  }

  private async onFrame(raw: string): Promise<void> {
    if (!this.bucket.take()) {
      // Frames already in flight after the close are not further refusals: one per socket.
      if (this.ws.readyState === this.ws.OPEN) this.deps.onRateLimited?.('ws_frame');
      this.close('rate_limited');
      return;
    }
    let frame: ClientFrame;
    try {
      const json: unknown = JSON.parse(raw);
      const type =
        typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
      if (typeof type !== 'string' || !KNOWN_TYPES.has(type)) {
        this.sendError(typeof type === 'string' ? 'unknown_frame_type' : 'invalid_frame');
        return;
      }
      // An ordinary send skips zod's result objects; anything else, or anything the fast check
      // does not accept outright, gets the schema (issue 18, must 7).
      const fast = type === 'send' ? fastSendFrame(json) : undefined;
      const parsed = fast
        ? { success: true as const, data: fast }
        : ClientFrameSchema.safeParse(json);
      if (!parsed.success) {
        const ids = json as { clientMsgId?: unknown; conversationId?: unknown };
        this.sendError('invalid_frame', {
          ...(typeof ids.clientMsgId === 'string' && ids.clientMsgId.length <= 64
            ? { clientMsgId: ids.clientMsgId }
            : {}),
        });
        return;
      }
      frame = parsed.data;
    } catch {
      this.sendError('invalid_frame');
      return;
    }
    try {
      await this.handle(frame);
    } catch (raw) {
      const err = asStoreError(raw);
      const extra = 'clientMsgId' in frame ? { clientMsgId: frame.clientMsgId } : {};
      const conv = 'conversationId' in frame ? { conversationId: frame.conversationId } : {};
      if (err instanceof ParleyError && err.code === 'store_unavailable')
        this.deps.log.warn(
          { frameType: frame.type, ...conv, ...errorContext(err) },
          'store unavailable; the client was told to retry',
        );
      if (err instanceof ParleyError) {
        // A refused auth (bad token, origin, identity) ends the socket with its close code.
        if (
          err.code === 'invalid_token' ||
          err.code === 'origin_not_allowed' ||
          (frame.type === 'auth' && err.closeCode !== undefined)
        )
          this.close(err.code);
        else this.sendError(err.code, { ...extra, ...conv }, err.message);
      } else {
        this.deps.log.error({ frameType: frame.type, ...errorContext(err) }, 'frame failed');
        this.sendError('internal_error', { ...extra, ...conv });
      }
    }
  }

  private async handle(frame: ClientFrame): Promise<void> {
    if (frame.type === 'ping') {
      this.send({ type: 'pong' });
      return;
    }
    if (this.sessionTokenHash) this.deps.touchSession?.(this.sessionTokenHash);
    if (frame.type === 'auth') {
      if (this.actor) return; // already authenticated; nothing to do
      clearTimeout(this.authTimer);
      const actor = await this.deps.authenticateVisitor(frame.token, this.origin, frame.identity);
      await this.ready(actor);
      return;
    }
    const actor = this.actor;
    if (!actor) {
      this.close('unauthorized');
      return;
    }
    switch (frame.type) {
      case 'send': {
        const { seq } = await this.deps.chat.send(actor, frame);
        this.send({
          type: 'ack',
          clientMsgId: frame.clientMsgId,
          conversationId: frame.conversationId,
          seq,
        });
        return;
      }
      case 'resume':
        await this.resume(actor, frame.conversationId, frame.afterSeq);
        return;
      case 'typing':
        await this.deps.chat.typing(actor, frame.conversationId, frame.typing);
        return;
      case 'read':
        await this.deps.chat.read(actor, frame.conversationId, frame.seq);
        return;
    }
  }

  private async resume(actor: ChatActor, conversationId: string, afterSeq: number): Promise<void> {
    await this.deps.chat.authorize(actor, conversationId, 'view');
    const existing = this.deliveries.get(conversationId);
    if (existing) {
      existing.unsubscribe();
      this.deliveries.delete(conversationId);
    }
    const fill = async (after: number, before: number | undefined): Promise<number> => {
      let last = after;
      for (;;) {
        const limit =
          before === undefined
            ? LIMITS.resumeBatch
            : Math.min(LIMITS.resumeBatch, before - last - 1);
        if (limit <= 0) return last;
        const rows = await this.deps.store.messages.after(actor.orgId, conversationId, last, limit);
        for (const row of rows) {
          if (before !== undefined && row.seq >= before) return last;
          this.send(presentMessageFrame(row));
          last = row.seq;
        }
        if (rows.length < limit) return last;
      }
    };
    const delivery = new ConversationDelivery(
      afterSeq,
      (f) => this.write(f),
      fill,
      (err) => {
        const typed = asStoreError(err);
        this.deps.log.error({ conversationId, ...errorContext(err) }, 'gap fill failed');
        this.close(typed instanceof ParleyError ? typed.code : 'internal_error');
      },
    );
    const onEvent = (e: BusEvent) => {
      if (e.audience === 'all' || e.audience === actor.kind) delivery.push(e);
    };
    // After a bus outage the subscription is restored and the delivery catches up from the store.
    const unsubscribe = await this.deps.bus.subscribe(
      topics.conversation(conversationId),
      onEvent,
      {
        onResync: () => delivery.resync(),
      },
    );
    if (this.closed) {
      unsubscribe();
      return;
    }
    this.deliveries.set(conversationId, { delivery, unsubscribe });
    const lastSeq = await delivery.replay();
    this.send({ type: 'resumed', conversationId, lastSeq });
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.authTimer);
    this.orgUnsubscribe?.();
    this.securityUnsubscribe?.();
    for (const { unsubscribe } of this.deliveries.values()) unsubscribe();
    this.deliveries.clear();
  }
}
