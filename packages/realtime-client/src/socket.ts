import { backoffDelay, closeAction, DEFAULT_BACKOFF } from './backoff';
import { browserNetwork, type NetworkSignal } from './network';

/**
 * connecting: a socket is being opened; connected: the server said ready;
 * reconnecting: the last socket closed and the next try is at `retryAt`;
 * offline: the browser has no network (or the server refused us for good) and
 * nothing is tried until it comes back.
 */
export type SocketStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** The subset of WebSocket the client uses (a fake stands in for it in tests). */
export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface SocketHandlers {
  /** The socket opened: send auth / resume here. */
  onOpen: () => void;
  onMessage: (data: string) => void;
  onStatus: (status: SocketStatus) => void;
  /** The server refused us for good (4001 or 4003); no reconnect follows. */
  onFatal: (code: number) => void;
}

export interface SocketOptions {
  create?: (url: string) => SocketLike;
  random?: () => number;
  /** Send a ping this often; a socket silent for 2.5 intervals is considered dead. */
  pingIntervalMs?: number;
  /** The browser's online/offline signal (default: the page's own; null: none). */
  network?: NetworkSignal | null;
}

const OPEN = 1;

/**
 * A WebSocket that reconnects with exponential backoff and jitter, detects
 * dead connections with ping/pong, and reports connecting / connected /
 * offline. "connected" means the server said ready (see markReady).
 */
export class ReconnectingSocket {
  private ws: SocketLike | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private lastHeard = 0;
  private stopped = true;
  private nextRetryAt: number | null = null;
  private unsubscribeNetwork: (() => void) | null = null;
  private readonly create: (url: string) => SocketLike;
  private readonly random: () => number;
  private readonly pingIntervalMs: number;
  private readonly network: NetworkSignal | null;

  constructor(
    private readonly url: string,
    private readonly handlers: SocketHandlers,
    options: SocketOptions = {},
  ) {
    this.create = options.create ?? ((u) => new WebSocket(u) as unknown as SocketLike);
    this.random = options.random ?? Math.random;
    this.pingIntervalMs = options.pingIntervalMs ?? 20_000;
    this.network = options.network === undefined ? browserNetwork() : options.network;
  }

  /** When the next reconnect is tried (epoch ms) while the status is `reconnecting`; null otherwise. */
  get retryAt(): number | null {
    return this.nextRetryAt;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unsubscribeNetwork =
      this.network?.subscribe((online) => this.networkChanged(online)) ?? null;
    if (this.network && !this.network.isOnline()) this.goOffline();
    else this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribeNetwork?.();
    this.unsubscribeNetwork = null;
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = null;
      ws.close(1000);
    }
  }

  /** Sends a frame if the socket is open; returns false otherwise (caller keeps it queued). */
  send(frame: object): boolean {
    if (!this.ws || this.ws.readyState !== OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Called when the server confirmed the session: resets the backoff. */
  markReady(): void {
    this.attempt = 0;
    this.handlers.onStatus('connected');
  }

  /** Retry now (the browser came back online or the user asked). */
  retryNow(): void {
    if (this.stopped || this.ws) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  private networkChanged(online: boolean): void {
    if (this.stopped) return;
    if (!online) return this.goOffline();
    // Back online: try at once, from the first backoff step (the outage was the network's).
    this.attempt = 0;
    this.retryNow();
  }

  /** The browser lost its network: drop the socket now (it cannot carry anything) and wait. */
  private goOffline(): void {
    const ws = this.ws;
    this.ws = null;
    this.clearTimers();
    if (ws) {
      ws.onclose = null;
      ws.close(4000, 'offline');
    }
    this.handlers.onStatus('offline');
  }

  private connect(): void {
    this.nextRetryAt = null;
    this.handlers.onStatus('connecting');
    let ws: SocketLike;
    try {
      ws = this.create(this.url);
    } catch {
      this.scheduleRetry(false);
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.lastHeard = Date.now();
      this.startPing();
      this.handlers.onOpen();
    };
    ws.onmessage = (ev) => {
      this.lastHeard = Date.now();
      if (typeof ev.data === 'string') this.handlers.onMessage(ev.data);
    };
    ws.onerror = () => {
      /* a close event always follows */
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.clearTimers();
      if (this.stopped) return;
      const action = closeAction(ev.code);
      if (action === 'stop' || action === 'reauthenticate') {
        this.stopped = true;
        this.unsubscribeNetwork?.();
        this.unsubscribeNetwork = null;
        this.handlers.onStatus('offline');
        this.handlers.onFatal(ev.code);
        return;
      }
      this.scheduleRetry(action === 'slow-down');
    };
  }

  private scheduleRetry(slow: boolean): void {
    // No network: a timer would only fail again; the `online` event retries.
    if (this.network && !this.network.isOnline()) return this.goOffline();
    if (slow) this.attempt = Math.max(this.attempt, 4);
    const delay = backoffDelay(this.attempt++, DEFAULT_BACKOFF, this.random);
    this.nextRetryAt = Date.now() + delay;
    this.handlers.onStatus('reconnecting');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  private startPing(): void {
    this.pingTimer = setInterval(() => {
      const ws = this.ws;
      if (!ws) return;
      if (Date.now() - this.lastHeard > this.pingIntervalMs * 2.5) {
        // Silent for too long: the network dropped without a close frame.
        ws.onclose = null;
        this.ws = null;
        ws.close(4000, 'timeout');
        this.clearTimers();
        this.scheduleRetry(false);
        return;
      }
      this.send({ type: 'ping' });
    }, this.pingIntervalMs);
  }

  private clearTimers(): void {
    this.nextRetryAt = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.retryTimer = null;
    this.pingTimer = null;
  }
}
