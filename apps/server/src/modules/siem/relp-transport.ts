import type { Socket } from 'node:net';
import { withDeadline } from '../../lib/deadline';
import { connectTarget, type SyslogTarget, type SyslogTransport } from './syslog-transport';

/** One RELP frame: `TXNR SP COMMAND SP DATALEN [SP DATA] LF`. */
interface RelpFrame {
  txnr: number;
  command: string;
  data: Buffer;
}

const MAX_FRAME = 128 * 1024;

/** Splits a byte stream into RELP frames; throws on a malformed one. */
export class RelpParser {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): RelpFrame[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: RelpFrame[] = [];
    for (;;) {
      // The length must be followed by its SP or the trailer, or it may still be arriving.
      const header = /^(\d{1,9}) ([a-z]{1,32}) (\d{1,9})(?=[ \n])/.exec(
        this.buf.subarray(0, 64).toString('latin1'),
      );
      if (!header) {
        if (this.buf.length >= 64 || /[^\d a-z]/.test(this.buf.toString('latin1')))
          throw new Error('relp: malformed frame');
        return out;
      }
      const [whole, txnr, command, len] = header as unknown as [string, string, string, string];
      const dataLen = Number(len);
      if (dataLen > MAX_FRAME) throw new Error('relp: frame too large');
      const start = whole.length + (dataLen > 0 ? 1 : 0);
      const end = start + dataLen;
      if (this.buf.length < end + 1) return out;
      if (this.buf[end] !== 0x0a) throw new Error('relp: missing trailer');
      out.push({ txnr: Number(txnr), command, data: this.buf.subarray(start, end) });
      this.buf = this.buf.subarray(end + 1);
    }
  }
}

const frame = (txnr: number, command: string, data: Buffer | string = '') => {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([
    Buffer.from(`${txnr} ${command} ${body.length}${body.length > 0 ? ' ' : ''}`, 'latin1'),
    body,
    Buffer.from('\n'),
  ]);
};

/**
 * A RELP client (rsyslog's Reliable Event Logging Protocol, served by its
 * imrelp module): every message is answered by the receiver with `rsp 200`
 * once it has taken it, so a write resolves only for messages the receiver
 * acknowledged, and nothing written to a receiver that dies is counted as sent.
 * No good maintained library does this, hence by hand; only the client side of
 * `open`, `syslog` and `close` is implemented.
 */
export function createRelpTransport(
  target: SyslogTarget,
  opts: { connectTimeoutMs?: number; ackTimeoutMs?: number } = {},
): SyslogTransport & { readonly acknowledged: true } {
  let socket: Socket | undefined;
  let opening: Promise<Socket> | undefined;
  let epoch = 0;
  let txnr = 0;
  let closed = false;
  const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  const listeners: ((epoch: number) => void)[] = [];

  const nextTxnr = () => (txnr = txnr >= 999_999_999 ? 1 : txnr + 1);

  function lose(s: Socket, e: number, why: string): void {
    if (socket !== s && socket !== undefined) return;
    socket = undefined;
    s.destroy();
    for (const w of waiting.values()) w.reject(new Error(`relp: ${why}`));
    waiting.clear();
    for (const l of listeners) l(e);
  }

  function request(s: Socket, command: string, data: Buffer | string): Promise<void> {
    const n = nextTxnr();
    const acked = new Promise<void>((resolve, reject) => waiting.set(n, { resolve, reject }));
    s.write(frame(n, command, data));
    return acked;
  }

  function attach(s: Socket, e: number): void {
    const parser = new RelpParser();
    s.on('data', (chunk: Buffer) => {
      let frames: RelpFrame[];
      try {
        frames = parser.push(chunk);
      } catch (err) {
        lose(s, e, err instanceof Error ? err.message : 'bad frame');
        return;
      }
      for (const f of frames) {
        if (f.command === 'serverclose') return lose(s, e, 'server closed the session');
        if (f.command !== 'rsp') continue;
        const w = waiting.get(f.txnr);
        if (!w) continue;
        waiting.delete(f.txnr);
        const status = f.data.subarray(0, 3).toString('latin1');
        if (status === '200') w.resolve();
        else w.reject(new Error(`relp: receiver answered ${status}`));
      }
    });
    s.on('error', () => lose(s, e, 'connection error'));
    s.on('close', () => lose(s, e, 'connection closed'));
    s.on('end', () => lose(s, e, 'connection ended'));
  }

  function open(): Promise<Socket> {
    if (socket) return Promise.resolve(socket);
    opening ??= connectTarget(target, opts.connectTimeoutMs ?? 5000)
      .then((s) => {
        epoch += 1;
        txnr = 0;
        socket = s;
        attach(s, epoch);
        return withDeadline(
          request(s, 'open', 'relp_version=0\nrelp_software=parley\ncommands=syslog'),
          opts.connectTimeoutMs ?? 5000,
          'relp open',
        ).then(() => s);
      })
      .finally(() => {
        opening = undefined;
      });
    return opening;
  }

  return {
    acknowledged: true,
    async write(frames) {
      if (closed) throw new Error('relp transport closed');
      const s = await open();
      const e = epoch;
      // `frames` are octet-counted syslog frames; RELP carries the message without that prefix.
      const acks = frames.map((f) => request(s, 'syslog', f.subarray(f.indexOf(0x20) + 1)));
      await withDeadline(Promise.all(acks), opts.ackTimeoutMs ?? 10_000, 'relp ack').catch(
        (err: unknown) => {
          lose(s, e, 'no acknowledgement');
          throw err;
        },
      );
      return e;
    },
    alive: (e) => socket !== undefined && e === epoch && !socket.destroyed,
    onLoss: (l) => void listeners.push(l),
    close() {
      closed = true;
      const s = socket;
      if (s) {
        s.end(frame(nextTxnr(), 'close'));
        setTimeout(() => s.destroy(), 1000).unref();
      }
      socket = undefined;
    },
  };
}
