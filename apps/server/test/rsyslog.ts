import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portOpen, waitFor } from './faults/kit';

export const RSYSLOGD = '/usr/sbin/rsyslogd';

/** True when Debian's rsyslog (with its gnutls driver for TLS, rsyslog-relp for RELP) is installed. */
const MODULES = '/usr/lib/x86_64-linux-gnu/rsyslog';
export const haveRsyslog = (need: 'tcp' | 'tls' | 'relp' = 'tcp') =>
  existsSync(RSYSLOGD) &&
  (need === 'tcp' || existsSync(join(MODULES, need === 'tls' ? 'lmnsd_gtls.so' : 'imrelp.so')));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A real syslog receiver: Debian's rsyslogd in the foreground with its own
 * configuration, listening on a loopback port (imtcp, octet-counted or
 * LF-framed; TLS through the gtls driver) and writing each message's raw text
 * as one line of a file. It can be killed with SIGKILL and started again on
 * the same port, to play a receiver that dies mid-stream.
 */
export class Rsyslog {
  readonly dir = mkdtempSync(join(tmpdir(), 'parley-rsyslog-'));
  readonly out = join(this.dir, 'received.log');
  private child: ChildProcess | undefined;
  private stderr = '';

  constructor(
    readonly port: number,
    private readonly opts: { tls?: { cert: string; key: string }; relp?: boolean } = {},
  ) {
    const { tls, relp } = opts;
    const driver = tls
      ? `global(DefaultNetstreamDriver="gtls" DefaultNetstreamDriverCertFile="${tls.cert}" DefaultNetstreamDriverKeyFile="${tls.key}" DefaultNetstreamDriverCAFile="${tls.cert}")\n`
      : '';
    const input = relp
      ? `module(load="imrelp")\ninput(type="imrelp" address="127.0.0.1" port="${port}")`
      : `${tls ? 'module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="anon")' : 'module(load="imtcp")'}\ninput(type="imtcp" address="127.0.0.1" port="${port}")`;
    writeFileSync(
      join(this.dir, 'rsyslog.conf'),
      `global(workDirectory="${this.dir}")
${driver}${input}
template(name="raw" type="string" string="%rawmsg%\\n")
action(type="omfile" file="${this.out}" template="raw" flushOnTXEnd="on" asyncWriting="off")
`,
    );
  }

  static async start(
    opts: { tls?: { cert: string; key: string }; relp?: boolean } = {},
  ): Promise<Rsyslog> {
    const r = new Rsyslog(await freePort(), opts);
    await r.start();
    return r;
  }

  /** Starts rsyslogd and waits until it accepts connections. */
  async start(): Promise<void> {
    this.stderr = '';
    const child = spawn(
      RSYSLOGD,
      ['-n', '-f', join(this.dir, 'rsyslog.conf'), '-i', join(this.dir, 'rsyslogd.pid')],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    child.on('error', () => undefined);
    this.child = child;
    await waitFor('rsyslogd listening', async () => {
      if (child.exitCode !== null) throw new Error(`rsyslogd exited: ${this.stderr}`);
      return portOpen(this.port);
    });
  }

  /** SIGSTOP: the receiver hangs; its kernel still takes bytes until its buffers fill. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  /** SIGKILL: the receiver dies without closing anything cleanly (a paused one loses what it held). */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    rmSync(join(this.dir, 'rsyslogd.pid'), { force: true });
  }

  /** Every line received so far. */
  lines(): string[] {
    if (!existsSync(this.out)) return [];
    return readFileSync(this.out, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  }

  async close(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
