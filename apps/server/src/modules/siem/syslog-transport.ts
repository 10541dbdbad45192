import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { withDeadline } from '../../lib/deadline';

/** A syslog receiver as configured: PARLEY_SYSLOG_URL and, for tls://, its CA. */
export interface SyslogTarget {
  /** relp: the Reliable Event Logging Protocol (acknowledged), over TCP or TLS. */
  framing: 'syslog' | 'relp';
  protocol: 'tcp' | 'tls';
  host: string;
  port: number;
  /** PEM of the CA for tls://; absent: the system's CAs. */
  ca?: string | undefined;
}

/** tcp://, tls://, relp:// or relp+tls:// with host and port. */
export function parseSyslogUrl(url: string, ca?: string): SyslogTarget {
  const u = new URL(url);
  const scheme = u.protocol.replace(/:$/, '');
  return {
    framing: scheme.startsWith('relp') ? 'relp' : 'syslog',
    protocol: scheme === 'tls' || scheme === 'relp+tls' ? 'tls' : 'tcp',
    host: u.hostname,
    port: Number(u.port),
    ca,
  };
}

/**
 * A TCP or TLS connection to the receiver (certificate checked against `ca` or
 * the system's CAs), with keep-alive and no Nagle delay, within `timeoutMs`; a
 * connection still pending at the deadline is destroyed. The caller attaches
 * its own 'error' listener at once. Shared by the syslog and RELP transports.
 */
export function connectTarget(target: SyslogTarget, timeoutMs: number): Promise<Socket> {
  let pending: Socket | undefined;
  return withDeadline(
    new Promise<Socket>((resolve, reject) => {
      const s =
        target.protocol === 'tls'
          ? tlsConnect({
              host: target.host,
              port: target.port,
              servername: target.host,
              ...(target.ca ? { ca: target.ca } : {}),
            })
          : netConnect({ host: target.host, port: target.port });
      pending = s;
      s.once('error', (err: Error) => {
        s.destroy();
        reject(err);
      });
      s.once(target.protocol === 'tls' ? 'secureConnect' : 'connect', () => {
        pending = undefined;
        s.setKeepAlive(true, 10_000);
        s.setNoDelay(true);
        s.removeAllListeners('error');
        resolve(s);
      });
    }),
    timeoutMs,
    'syslog connect',
  ).catch((err: unknown) => {
    pending?.destroy();
    throw err;
  });
}

/**
 * One connection to a syslog receiver at a time, opened on demand. Plain TCP
 * syslog has no acknowledgements, so the transport numbers its connections
 * (epochs): a caller that wrote on epoch N asks later whether N is still alive,
 * and hears of its loss, to send again what the receiver may not have taken.
 */
export interface SyslogTransport {
  /** True when a resolved write means the receiver took the messages (RELP), not only the socket. */
  readonly acknowledged?: boolean;
  /** Writes the frames on the current connection (opening one if needed); resolves with its epoch. */
  write(frames: readonly Buffer[]): Promise<number>;
  /** True while the connection of this epoch is open and has seen no error. */
  alive(epoch: number): boolean;
  /** Called once per lost connection, with its epoch. */
  onLoss(listener: (epoch: number) => void): void;
  close(): void;
}

export function createSyslogTransport(
  target: SyslogTarget,
  opts: { connectTimeoutMs?: number; writeTimeoutMs?: number } = {},
): SyslogTransport {
  let socket: Socket | undefined;
  let opening: Promise<Socket> | undefined;
  let epoch = 0;
  let closed = false;
  const listeners: ((epoch: number) => void)[] = [];

  function lose(s: Socket, e: number): void {
    if (socket !== s) return;
    socket = undefined;
    s.destroy();
    for (const l of listeners) l(e);
  }

  function open(): Promise<Socket> {
    if (socket) return Promise.resolve(socket);
    opening ??= connectTarget(target, opts.connectTimeoutMs ?? 5000)
      .then((s) => {
        if (closed) {
          s.destroy();
          throw new Error('syslog transport closed');
        }
        epoch += 1;
        const e = epoch;
        s.on('error', () => lose(s, e));
        s.on('close', () => lose(s, e));
        // A receiver sends nothing; an end from it means it is gone.
        s.on('end', () => lose(s, e));
        s.on('data', () => undefined);
        socket = s;
        return s;
      })
      .finally(() => {
        opening = undefined;
      });
    return opening;
  }

  return {
    async write(frames) {
      if (closed) throw new Error('syslog transport closed');
      const s = await open();
      const e = epoch;
      await withDeadline(
        new Promise<void>((resolve, reject) =>
          s.write(Buffer.concat(frames), (err) => (err ? reject(err) : resolve())),
        ),
        opts.writeTimeoutMs ?? 10_000,
        'syslog write',
      ).catch((err: unknown) => {
        lose(s, e);
        throw err;
      });
      return e;
    },
    alive: (e) => socket !== undefined && e === epoch && !socket.destroyed,
    onLoss: (l) => void listeners.push(l),
    close() {
      closed = true;
      socket?.destroy();
      socket = undefined;
    },
  };
}
