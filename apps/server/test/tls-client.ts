import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import WebSocket from 'ws';
import type { ServerFrame } from '@parley/protocol';

/**
 * Clients for tests that reach Parley over TLS with a test CA (fetch cannot
 * take one): a request, a visitor session, and a visitor socket over wss://.
 */

/** A loopback port nothing listens on now (bound, then released). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** An HTTP or HTTPS request trusting `ca`; `body` is sent as JSON. */
export function requestWithCa(
  url: string,
  ca: Buffer,
  opts: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const data = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const json = data
    ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)) }
    : {};
  return new Promise((resolve, reject) => {
    const req = (url.startsWith('https:') ? httpsRequest : httpRequest)(
      url,
      { method: opts.method ?? 'GET', ca, headers: { ...json, ...opts.headers } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** A visitor session and a conversation over REST, trusting `ca`. */
export async function tlsVisitor(
  baseUrl: string,
  orgKey: string,
  ca: Buffer,
): Promise<{ token: string; conversationId: string; sessionStatus: number }> {
  const session = await requestWithCa(`${baseUrl}/api/visitor/session`, ca, {
    method: 'POST',
    body: { orgKey, name: 'Tia Tls' },
  });
  const token = (JSON.parse(session.text) as { token: string }).token;
  const conv = await requestWithCa(`${baseUrl}/api/visitor/conversations`, ca, {
    method: 'POST',
    body: {},
    headers: { authorization: `Bearer ${token}` },
  });
  const conversationId = (JSON.parse(conv.text) as { id: string }).id;
  return { token, conversationId, sessionStatus: session.status };
}

export interface WssVisitor {
  ws: WebSocket;
  frames: ServerFrame[];
  /** The first frame (received or future) matching; rejects after 10 s. */
  next(pred: (f: ServerFrame) => boolean): Promise<ServerFrame>;
  send(frame: unknown): void;
  close(): void;
}

/** A visitor socket over wss:// trusting `ca`, authenticated and ready. */
export async function wssVisitorSocket(
  baseUrl: string,
  token: string,
  ca: Buffer,
): Promise<WssVisitor> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws/visitor`, {
    ca,
    headers: { origin: baseUrl },
  });
  const frames: ServerFrame[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (d: Buffer) => {
    frames.push(JSON.parse(d.toString()) as ServerFrame);
    for (const w of waiters.splice(0)) w();
  });
  const next = (pred: (f: ServerFrame) => boolean): Promise<ServerFrame> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no such frame within 10 s')), 10_000);
      const check = (): void => {
        const found = frames.find(pred);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else waiters.push(check);
      };
      check();
    });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const send = (frame: unknown): void => ws.send(JSON.stringify(frame));
  send({ type: 'auth', token });
  await next((f) => f.type === 'ready');
  return { ws, frames, next, send, close: () => ws.close() };
}
