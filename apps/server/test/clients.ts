import WebSocket from 'ws';
import type { ServerFrame } from '@parley/protocol';
import { solveChallenge as solveAltcha, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';

/** A test WebSocket client that queues every frame and lets a test wait for one. */
export class TestSocket {
  readonly frames: ServerFrame[] = [];
  private waiters: { pred: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];
  closeCode: number | undefined;
  closeReason = '';
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code: number, reason: Buffer) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        resolve(code);
      }),
    );
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<TestSocket> {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    const s = new TestSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`upgrade refused: ${res.statusCode}`)),
      );
    });
    return s;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame (already received or future) matching; consumed frames are not re-matched by index. */
  next<T extends ServerFrame['type']>(
    type: T,
    pred: (f: Extract<ServerFrame, { type: T }>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    const match = (f: ServerFrame): boolean =>
      f.type === type && pred(f as Extract<ServerFrame, { type: T }>);
    const found = this.frames.find(match);
    if (found) return Promise.resolve(found as Extract<ServerFrame, { type: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${type}`)), timeoutMs);
      this.waiters.push({
        pred: match,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f as Extract<ServerFrame, { type: T }>);
        },
      });
    });
  }

  messages(conversationId?: string) {
    return this.frames.filter(
      (f): f is Extract<ServerFrame, { type: 'message' }> =>
        f.type === 'message' && (!conversationId || f.conversationId === conversationId),
    );
  }

  /** Subscribes to a conversation, replaying after `afterSeq`, and waits until the replay is done. */
  async resume(conversationId: string, afterSeq = 0) {
    this.send({ type: 'resume', conversationId, afterSeq });
    return this.next('resumed', (f) => f.conversationId === conversationId);
  }

  close(): void {
    this.ws.close();
  }

  /** Drops the TCP connection without a close handshake (a network cut). */
  cut(): void {
    this.ws.terminate();
  }
}

/** Fetches the server's proof-of-work challenge and solves it as the console does (altcha-lib). */
export async function solveChallenge(baseUrl: string): Promise<string> {
  const challenge = (await (await fetch(`${baseUrl}/api/auth/challenge`)).json()) as Challenge;
  const solution = await solveAltcha({ challenge, deriveKey });
  if (!solution) throw new Error('could not solve the challenge');
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
}

/** REST helper for agents: signs in and keeps the cookie and CSRF token. */
export class AgentClient {
  cookie = '';
  csrf = '';
  constructor(readonly baseUrl: string) {}

  /**
   * Signs in like the console: when the server asks for proof of work
   * (challenge_required after failures from this address), solves it and tries
   * again. `solve: false` returns the 428 as it is.
   */
  async login(email: string, password: string, opts: { solve?: boolean } = {}): Promise<Response> {
    const post = (altcha?: string) =>
      fetch(`${this.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: new URL(this.baseUrl).origin },
        body: JSON.stringify({ email, password, ...(altcha ? { altcha } : {}) }),
      });
    let res = await post();
    if (res.status === 428 && opts.solve !== false)
      res = await post(await solveChallenge(this.baseUrl));
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0] ?? '';
    if (res.ok) this.csrf = ((await res.clone().json()) as { csrfToken: string }).csrfToken;
    return res;
  }

  /** Like a browser, follows a new session cookie (the id is renewed after the second factor). */
  async request(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<Response> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        cookie: this.cookie,
        origin: new URL(this.baseUrl).origin,
        ...(method === 'GET' ? {} : { 'x-csrf-token': this.csrf }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...extraHeaders,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie?.startsWith('parley_session=') || setCookie?.startsWith('__Host-parley_session='))
      this.cookie = setCookie.split(';')[0] ?? '';
    return res;
  }

  socket(): Promise<TestSocket> {
    return TestSocket.open(`${this.baseUrl.replace(/^http/, 'ws')}/ws/agent`, {
      cookie: this.cookie,
      origin: new URL(this.baseUrl).origin,
    });
  }
}

/** Creates a visitor session and conversation over REST; returns the token and ids. */
export async function newVisitor(baseUrl: string, orgKey: string, name = 'Vera Visitor') {
  const res = await fetch(`${baseUrl}/api/visitor/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orgKey, name }),
  });
  // The error body is a registry code and its text (never a token): it says why.
  if (!res.ok) throw new Error(`visitor session failed: ${res.status} ${await res.text()}`);
  const session = (await res.json()) as { token: string; visitorId: string };
  const start = (body: unknown) =>
    fetch(`${baseUrl}/api/visitor/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
      body: JSON.stringify(body),
    });
  let conv = await start({});
  // An organisation that kept the built-in consent notice (version 1) requires it: the visitor
  // accepts it, as the widget's start form would (docs/privacy.md).
  if (!conv.ok) {
    const refused = conv.clone();
    const code = ((await refused.json()) as { error?: { code?: string } }).error?.code;
    if (code === 'consent_required') conv = await start({ consent: { version: 1 } });
  }
  const conversation = (await conv.json()) as { id: string };
  return { token: session.token, visitorId: session.visitorId, conversationId: conversation.id };
}

export async function visitorSocket(baseUrl: string, token: string): Promise<TestSocket> {
  const s = await TestSocket.open(`${baseUrl.replace(/^http/, 'ws')}/ws/visitor`, {
    origin: new URL(baseUrl).origin,
  });
  s.send({ type: 'auth', token });
  await s.next('ready');
  return s;
}
