import { createServer, request as httpRequest, type Server } from 'node:http';
import { freePort } from './vault-process';

export type ProxyMode = 'up' | 'down' | 'lose-response' | 'hang';

export interface HeldCall {
  path: string;
  body: string;
  /** Sends the held call on to the vault now (its caller gave up long ago). */
  release(): Promise<void>;
}

export interface VaultProxy {
  port: number;
  mode: ProxyMode;
  /** Calls waiting in 'hang' mode, oldest first. */
  held: HeldCall[];
  /** Calls that reached the vault, by path. */
  forwarded: string[];
  close(): Promise<void>;
}

/**
 * A proxy between the server and the vault the test controls: up, down
 * (connections cut), lose-response (the vault acts, its answer is lost), or
 * hang (the call is held, unanswered, until the test releases it to the vault:
 * a vault that hangs and completes the call later).
 */
export async function startVaultProxy(target: () => number): Promise<VaultProxy> {
  const state: { mode: ProxyMode } = { mode: 'up' };
  const held: HeldCall[] = [];
  const forwarded: string[] = [];
  const forward = (
    method: string,
    path: string,
    headers: Record<string, string | string[] | undefined>,
    body: Buffer,
    onAnswer: (
      status: number,
      headers: Record<string, string | string[] | undefined>,
      body: Buffer,
    ) => void,
    onError: () => void,
  ) => {
    forwarded.push(path);
    const upstream = httpRequest(
      { host: '127.0.0.1', port: target(), method, path, headers },
      (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => onAnswer(up.statusCode ?? 502, up.headers, Buffer.concat(chunks)));
      },
    );
    upstream.on('error', onError);
    upstream.end(body);
  };
  const server: Server = createServer((req, res) => {
    const mode = state.mode;
    if (mode === 'down') {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? '/';
      const method = req.method ?? 'GET';
      if (mode === 'hang') {
        held.push({
          path,
          body: body.toString('utf8'),
          release: () =>
            new Promise<void>((resolve) =>
              forward(
                method,
                path,
                req.headers,
                body,
                () => resolve(),
                () => resolve(),
              ),
            ),
        });
        return;
      }
      forward(
        method,
        path,
        req.headers,
        body,
        (status, headers, answer) => {
          if (mode === 'lose-response') {
            res.socket?.destroy();
            return;
          }
          res.writeHead(status, headers).end(answer);
        },
        () => res.socket?.destroy(),
      );
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return {
    port,
    held,
    forwarded,
    get mode() {
      return state.mode;
    },
    set mode(m: ProxyMode) {
      state.mode = m;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Waits for a condition with a deadline (no fixed sleeps). */
export async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
