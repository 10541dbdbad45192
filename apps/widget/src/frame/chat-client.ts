import { visitorApi } from './api';
import { applyFrame, initialChatState, isFinalSendError, type ChatState } from './chat-state';
import { parseFile, parsePayment, parseVisitorFrame } from './frames';
import type { Outbox, OutboxEntry } from './outbox';
import {
  backoffDelay,
  mergeFiles,
  mergePayments,
  ReconnectingSocket,
  type SocketLike,
  type SocketStatus,
} from '@parley/realtime-client';

export interface VisitorChatOptions {
  wsUrl: string;
  token: string;
  conversationId: string;
  outbox: Outbox;
  localMasked?: Record<number, string[]>;
  onChange: (state: ChatState, status: SocketStatus) => void;
  /** The token was refused (4001) or the origin forbidden (4003). */
  onFatal: (code: number) => void;
  /**
   * The host's identity token, taken once: sent on the next auth only (it is
   * short-lived; later reconnects use the visitor token it was bound to).
   */
  takeIdentity?: () => string | null;
  createSocket?: (url: string) => SocketLike;
  newId?: () => string;
}

const TYPING_REFRESH_MS = 3000;
const RESUME_KEY = '\0resume';
const TYPING_IDLE_MS = 4000;

/**
 * One visitor conversation over /ws/visitor: authenticates, resumes after the
 * last seen seq, and (re)sends the outbox with the same clientMsgIds after
 * every resume, so nothing the visitor wrote is lost or stored twice.
 */
export class VisitorChat {
  state: ChatState;
  status: SocketStatus = 'connecting';
  private readonly socket: ReconnectingSocket;
  private resumed = false;
  private typingSentAt = 0;
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private agentTypingTimer: ReturnType<typeof setTimeout> | null = null;
  /** Retries after a retryable refusal while the socket stays up (by clientMsgId, and the resume). */
  private readonly retryTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly retryAttempts = new Map<string, number>();

  constructor(private readonly o: VisitorChatOptions) {
    this.state = initialChatState(o.conversationId, o.outbox.list(o.conversationId), o.localMasked);
    const socketOptions = o.createSocket ? { create: o.createSocket } : {};
    this.socket = new ReconnectingSocket(
      o.wsUrl,
      {
        onOpen: () => {
          this.resumed = false;
          const identity = o.takeIdentity?.() ?? null;
          this.socket.send({ type: 'auth', token: o.token, ...(identity ? { identity } : {}) });
        },
        onMessage: (raw) => this.handle(raw),
        onStatus: (status) => {
          if (status !== 'connected') {
            this.resumed = false;
            // A new socket resumes and re-sends the whole outbox anyway.
            this.clearRetries();
          }
          this.status = status;
          this.emit();
        },
        onFatal: (code) => o.onFatal(code),
      },
      socketOptions,
    );
  }

  start(): void {
    this.socket.start();
  }

  /** When the socket tries again while `reconnecting` (epoch ms). */
  get retryAt(): number | null {
    return this.socket.retryAt;
  }

  stop(): void {
    this.socket.stop();
    this.clearRetries();
    if (this.typingTimer) clearTimeout(this.typingTimer);
    if (this.agentTypingTimer) clearTimeout(this.agentTypingTimer);
  }

  retryNow(): void {
    this.socket.retryNow();
  }

  /** Queues an (already masked) message and sends it when the socket is ready. */
  send(text: string, masked: string[] = []): void {
    const entry: OutboxEntry = {
      clientMsgId: (this.o.newId ?? (() => crypto.randomUUID()))(),
      conversationId: this.o.conversationId,
      text,
      createdAt: Date.now(),
    };
    if (masked.length > 0) entry.masked = masked;
    this.o.outbox.add(entry);
    this.state = { ...this.state, pending: [...this.state.pending, entry] };
    this.setTyping(false);
    if (this.resumed)
      this.socket.send({
        type: 'send',
        clientMsgId: entry.clientMsgId,
        conversationId: entry.conversationId,
        text: entry.text,
      });
    this.emit();
  }

  /** Payment cards over REST: after every resume, so a card that changed while offline is current. */
  async loadPayments(): Promise<void> {
    try {
      const { payments } = await visitorApi.payments(this.o.token, this.o.conversationId);
      const list = payments.map(parsePayment).filter((p) => p !== null);
      this.state = { ...this.state, payments: mergePayments(this.state.payments, list) };
      this.emit();
    } catch {
      // Payments are an extra; the chat works without them.
    }
  }

  /** File cards over REST: after every resume, so a file checked while offline shows its outcome. */
  async loadFiles(): Promise<void> {
    try {
      const { files } = await visitorApi.files(this.o.token, this.o.conversationId);
      const list = files.map(parseFile).filter((f) => f !== null);
      this.state = { ...this.state, files: mergeFiles(this.state.files, list) };
      this.emit();
    } catch {
      // Files are an extra; the chat works without them.
    }
  }

  /** Call on every keystroke (true) and on blur/clear (false); throttled. */
  setTyping(typing: boolean): void {
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.typingTimer = null;
    const now = Date.now();
    if (typing) {
      if (now - this.typingSentAt > TYPING_REFRESH_MS) {
        this.typingSentAt = now;
        this.sendIfResumed({ type: 'typing', conversationId: this.o.conversationId, typing: true });
      }
      this.typingTimer = setTimeout(() => this.setTyping(false), TYPING_IDLE_MS);
    } else if (this.typingSentAt > 0) {
      this.typingSentAt = 0;
      this.sendIfResumed({ type: 'typing', conversationId: this.o.conversationId, typing: false });
    }
  }

  markRead(seq: number): void {
    if (seq > 0) this.sendIfResumed({ type: 'read', conversationId: this.o.conversationId, seq });
  }

  private sendIfResumed(frame: object): void {
    if (this.resumed) this.socket.send(frame);
  }

  private sendEntry(e: OutboxEntry): void {
    this.socket.send({
      type: 'send',
      clientMsgId: e.clientMsgId,
      conversationId: e.conversationId,
      text: e.text,
    });
  }

  /**
   * A retryable refusal (store_unavailable, internal_error, ...) of a send or of the resume on a
   * socket that stays open: nothing else would try again until the socket dropped, so the message
   * stayed pending for good. Tried again with backoff; a send reuses its clientMsgId.
   */
  private retryLater(key: string, again: () => void): void {
    const attempt = this.retryAttempts.get(key) ?? 0;
    this.retryAttempts.set(key, attempt + 1);
    const prev = this.retryTimers.get(key);
    if (prev) clearTimeout(prev);
    const timer = setTimeout(() => {
      this.retryTimers.delete(key);
      again();
    }, backoffDelay(attempt));
    this.retryTimers.set(key, timer);
  }

  private dropRetry(key: string): void {
    const timer = this.retryTimers.get(key);
    if (timer) clearTimeout(timer);
    this.retryTimers.delete(key);
    this.retryAttempts.delete(key);
  }

  private clearRetries(): void {
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
    this.retryAttempts.clear();
  }

  private refused(frame: {
    code: string;
    clientMsgId?: string | undefined;
    conversationId?: string | undefined;
  }): void {
    if (frame.clientMsgId) {
      const id = frame.clientMsgId;
      if (isFinalSendError(frame.code)) {
        this.o.outbox.remove(id);
        return;
      }
      this.retryLater(id, () => {
        const e = this.o.outbox.list(this.o.conversationId).find((x) => x.clientMsgId === id);
        if (e && this.resumed) this.sendEntry(e);
      });
    } else if (
      !this.resumed &&
      frame.conversationId === this.o.conversationId &&
      !isFinalSendError(frame.code)
    ) {
      this.retryLater(RESUME_KEY, () => {
        if (this.status === 'connected' && !this.resumed) this.sendResume();
      });
    }
  }

  private sendResume(): void {
    this.socket.send({
      type: 'resume',
      conversationId: this.o.conversationId,
      afterSeq: this.state.lastSeq,
    });
  }

  private handle(raw: string): void {
    const frame = parseVisitorFrame(raw);
    if (!frame) return;
    switch (frame.type) {
      case 'ready':
        this.socket.markReady();
        this.sendResume();
        return;
      case 'resumed':
        if (frame.conversationId === this.o.conversationId) {
          this.resumed = true;
          this.dropRetry(RESUME_KEY);
          void this.loadPayments();
          void this.loadFiles();
          for (const e of this.o.outbox.list(this.o.conversationId)) this.sendEntry(e);
        }
        break;
      case 'ack':
        this.o.outbox.remove(frame.clientMsgId);
        this.dropRetry(frame.clientMsgId);
        break;
      case 'error':
        this.refused(frame);
        break;
      case 'typing':
        if (frame.from === 'agent') {
          if (this.agentTypingTimer) clearTimeout(this.agentTypingTimer);
          // A lost "stopped typing" frame must not leave the indicator on forever.
          if (frame.typing)
            this.agentTypingTimer = setTimeout(() => this.apply({ ...frame, typing: false }), 8000);
        }
        break;
      case 'message':
      case 'redact':
      case 'pong':
      case 'conversation':
      case 'payment':
      case 'file':
        break;
    }
    this.apply(frame);
  }

  private apply(frame: Parameters<typeof applyFrame>[1]): void {
    const next = applyFrame(this.state, frame);
    if (next === this.state) return;
    this.state = next;
    this.emit();
  }

  private emit(): void {
    this.o.onChange(this.state, this.status);
  }
}
