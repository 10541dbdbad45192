// The fault suite's kit: real processes (redis-server, a server child), a TCP
// proxy the test controls, and bounded waits. Loopback only; every port comes
// from the suite's own range (19200–19299), never the machine's services.
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../../..');

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? ` (last error: ${lastError.message})` : ''}`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Resolves once something accepts TCP connections on the port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
  });
}

export interface RedisProcess {
  url: string;
  port: number;
  /** kill -9, then wait for the exit. */
  kill(): Promise<void>;
  /** Starts a fresh redis-server on the same port (after kill). */
  start(): Promise<void>;
}

/** A redis-server of the test's own (no persistence), on a port of the suite's range. */
export async function startRedis(port: number): Promise<RedisProcess> {
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await waitFor(`redis-server on ${port}`, () => portOpen(port), 10_000);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    async kill() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
  };
}

export type ProxyMode = 'pass' | 'pause' | 'blackhole';

/**
 * A TCP proxy on loopback that the test controls: `pass` forwards, `pause`
 * stops reading (bytes wait in kernel buffers, as on a congested link),
 * `blackhole` reads and drops every byte (a silent partition: nothing is
 * refused, nothing arrives), `reset()` destroys every connection.
 */
export class TcpProxy {
  mode: ProxyMode = 'pass';
  private readonly pairs = new Set<[Socket, Socket]>();
  private server: Server | undefined;

  constructor(
    readonly listenPort: number,
    readonly targetPort: number,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = createConnection({ host: '127.0.0.1', port: this.targetPort });
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      const forward = (from: Socket, to: Socket) =>
        from.on('data', (chunk) => {
          if (this.mode === 'blackhole') return;
          to.write(chunk);
        });
      forward(client, upstream);
      forward(upstream, client);
      if (this.mode === 'pause') {
        client.pause();
        upstream.pause();
      }
      const end = () => {
        client.destroy();
        upstream.destroy();
        this.pairs.delete(pair);
      };
      for (const s of pair) {
        s.on('error', end);
        s.on('close', end);
      }
    });
    await new Promise<void>((r) => this.server!.listen(this.listenPort, '127.0.0.1', r));
  }

  set(mode: ProxyMode): void {
    this.mode = mode;
    for (const [a, b] of this.pairs)
      for (const s of [a, b]) {
        if (mode === 'pause') s.pause();
        else s.resume();
      }
  }

  reset(): void {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
  }

  /** The local ports of the proxy's upstream sockets: the server sees them as client ports. */
  upstreamPorts(): number[] {
    return [...this.pairs]
      .map(([, up]) => up.localPort)
      .filter((p): p is number => p !== undefined);
  }

  get connections(): number {
    return this.pairs.size;
  }

  async close(): Promise<void> {
    this.reset();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

export interface ServerChild {
  url: string;
  orgKey: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

// Every child still running when the test process ends is killed: a test that timed out (or a
// child that never became ready) must not leave a server holding its port for the next run.
const living = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of living) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Starts server-child.ts as its own process and waits for its ready line. */
export async function spawnServer(
  env: Record<string, string>,
  unset: string[] = [],
): Promise<ServerChild> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const name of unset) delete childEnv[name];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(import.meta.dirname, 'server-child.ts')],
    { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  living.add(child);
  const output: string[] = [];
  const exited = new Promise<number | null>((r) =>
    child.once('exit', (code) => {
      living.delete(child);
      r(code);
    }),
  );
  const ready = new Promise<{ url: string; orgKey: string }>((res, rej) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        output.push(line);
        if (line.startsWith('FAULT-CHILD-READY '))
          res(
            JSON.parse(line.slice('FAULT-CHILD-READY '.length)) as { url: string; orgKey: string },
          );
      }
    });
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    void exited.then((code) =>
      rej(
        new Error(`server child exited (${code}) before ready: ${output.join('\n').slice(-2000)}`),
      ),
    );
  });
  let timer: NodeJS.Timeout | undefined;
  const info = await Promise.race([
    ready,
    new Promise<never>((_r, rej) => {
      timer = setTimeout(() => rej(new Error('server child not ready in 30 s')), 30_000);
    }),
  ])
    .catch((err: unknown) => {
      // Not ready (or exited): never leave it running.
      if (child.exitCode === null) child.kill('SIGKILL');
      throw err;
    })
    .finally(() => clearTimeout(timer));
  return {
    ...info,
    child,
    output,
    exited,
    async kill9() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000).unref())]);
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
