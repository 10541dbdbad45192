import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReconnectingSocket, type SocketLike, type SocketStatus } from './socket';
import { secondsUntil, type NetworkSignal } from './network';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

/** The browser's online/offline events, driven by the test. */
class FakeNetwork implements NetworkSignal {
  online = true;
  private listeners = new Set<(online: boolean) => void>();
  isOnline() {
    return this.online;
  }
  subscribe(listener: (online: boolean) => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  set(online: boolean) {
    this.online = online;
    for (const l of this.listeners) l(online);
  }
  get subscribers() {
    return this.listeners.size;
  }
}

function setup(network: NetworkSignal | null = null) {
  const sockets: FakeSocket[] = [];
  const statuses: SocketStatus[] = [];
  const fatal: number[] = [];
  const opened: number[] = [];
  const client = new ReconnectingSocket(
    'ws://x/ws/visitor',
    {
      onOpen: () => opened.push(sockets.length),
      onMessage: () => {},
      onStatus: (s) => statuses.push(s),
      onFatal: (c) => fatal.push(c),
    },
    {
      create: () => (sockets.push(new FakeSocket()), sockets.at(-1)!),
      random: () => 1,
      pingIntervalMs: 1000,
      network,
    },
  );
  return { client, sockets, statuses, fatal, opened };
}

describe('ReconnectingSocket', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('reconnects with growing delays after drops and resets after ready', () => {
    const { client, sockets, statuses } = setup();
    client.start();
    expect(sockets).toHaveLength(1);
    sockets[0]!.drop();
    expect(statuses.at(-1)).toBe('reconnecting');
    expect(client.retryAt).toBe(Date.now() + 500);
    vi.advanceTimersByTime(499);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    sockets[1]!.drop();
    vi.advanceTimersByTime(999);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    sockets[2]!.open();
    client.markReady();
    expect(statuses.at(-1)).toBe('connected');
    sockets[2]!.drop();
    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(4);
  });

  it('stops on 4001 and 4003 and reports them', () => {
    const { client, sockets, fatal } = setup();
    client.start();
    sockets[0]!.open();
    sockets[0]!.drop(4001);
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    expect(fatal).toEqual([4001]);
  });

  it('backs off harder when rate limited', () => {
    const { client, sockets } = setup();
    client.start();
    sockets[0]!.drop(4029);
    vi.advanceTimersByTime(7_999);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
  });

  it('sends only while open and pings; a silent socket is replaced', () => {
    const { client, sockets } = setup();
    client.start();
    expect(client.send({ type: 'ping' })).toBe(false);
    sockets[0]!.open();
    expect(client.send({ type: 'auth', token: 't' })).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(sockets[0]!.sent.at(-1)).toBe('{"type":"ping"}');
    vi.advanceTimersByTime(2000);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1000 + 500);
    expect(sockets).toHaveLength(2);
  });

  it('does not reconnect after stop', () => {
    const { client, sockets } = setup();
    client.start();
    sockets[0]!.open();
    client.stop();
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });

  it('reports reconnecting with the time of the next try, counting down', () => {
    const { client, sockets, statuses } = setup();
    client.start();
    sockets[0]!.open();
    client.markReady();
    expect(client.retryAt).toBeNull();
    sockets[0]!.drop(4029);
    expect(statuses.at(-1)).toBe('reconnecting');
    const at = client.retryAt!;
    expect(at - Date.now()).toBe(8000);
    expect(secondsUntil(at)).toBe(8);
    vi.advanceTimersByTime(2500);
    expect(secondsUntil(at)).toBe(6);
    vi.advanceTimersByTime(5500);
    expect(statuses.at(-1)).toBe('connecting');
    expect(client.retryAt).toBeNull();
    expect(sockets).toHaveLength(2);
  });

  it('goes offline at once when the browser does, and reconnects the moment it is back', () => {
    const network = new FakeNetwork();
    const { client, sockets, statuses } = setup(network);
    client.start();
    sockets[0]!.open();
    client.markReady();
    network.set(false);
    // No waiting for the ping timeout: the socket is dropped and the status says so now.
    expect(statuses.at(-1)).toBe('offline');
    expect(sockets[0]!.readyState).toBe(3);
    expect(client.retryAt).toBeNull();
    vi.advanceTimersByTime(120_000);
    expect(sockets).toHaveLength(1);
    network.set(true);
    expect(sockets).toHaveLength(2);
    expect(statuses.at(-1)).toBe('connecting');
  });

  it('does not schedule retries while the browser is offline', () => {
    const network = new FakeNetwork();
    network.online = false;
    const { client, sockets, statuses } = setup(network);
    client.start();
    expect(sockets).toHaveLength(0);
    expect(statuses).toEqual(['offline']);
    network.set(true);
    expect(sockets).toHaveLength(1);
    sockets[0]!.drop();
    expect(statuses.at(-1)).toBe('reconnecting');
    network.online = false;
    vi.advanceTimersByTime(500);
    sockets[1]!.drop();
    expect(statuses.at(-1)).toBe('offline');
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(2);
  });

  it('stops listening to the network after stop', () => {
    const network = new FakeNetwork();
    const { client, sockets } = setup(network);
    client.start();
    expect(network.subscribers).toBe(1);
    client.stop();
    expect(network.subscribers).toBe(0);
    network.set(true);
    expect(sockets).toHaveLength(1);
  });
});
