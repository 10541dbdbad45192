import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test kit: the EICAR anti-virus test string (https://www.eicar.org), built
 * from two halves so that a scanner looking at this repository does not flag
 * the source itself. clamd detects it with the signature shipped in
 * test/clamav/parley-eicar.ndb (no signature download is possible here).
 */
export const EICAR = Buffer.from(
  'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-' + 'STANDARD-ANTIVIRUS-TEST-FILE!$H+H*',
  'latin1',
);

export const CLAMD_BINARY = ['/usr/sbin/clamd', '/usr/bin/clamd'].find((p) => existsSync(p));

export interface TestClamd {
  socket: string;
  /** Stops clamd (a scanner outage); `start()` brings it back on the same socket. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(socket);
    let out = '';
    s.setTimeout(1000);
    s.on('connect', () => s.write('zPING\0'));
    s.on('data', (d) => {
      out += d.toString();
      if (out.includes('PONG')) {
        s.destroy();
        resolve(true);
      }
    });
    s.on('error', () => resolve(false));
    s.on('timeout', () => {
      s.destroy();
      resolve(false);
    });
    s.on('close', () => resolve(out.includes('PONG')));
  });
}

/**
 * Starts this test's own clamd: its own config and unix socket in a temp
 * directory, and the repository's one-signature database, so it is ready in
 * about a second and never touches the machine's clamd.
 */
export async function startClamd(): Promise<TestClamd> {
  if (!CLAMD_BINARY) throw new Error('clamd is not installed (apt-get install clamav-daemon)');
  const dir = mkdtempSync(join(tmpdir(), 'parley-clamd-'));
  const socket = join(dir, 'clamd.sock');
  const conf = join(dir, 'clamd.conf');
  writeFileSync(
    conf,
    [
      'Foreground yes',
      `DatabaseDirectory ${new URL('./clamav', import.meta.url).pathname}`,
      `LocalSocket ${socket}`,
      `PidFile ${join(dir, 'clamd.pid')}`,
      // Each clamd its own log: clamd locks its log file, so a shared one stops a second clamd.
      `LogFile ${join(dir, 'clamd.log')}`,
      'StreamMaxLength 64M',
      'MaxThreads 4',
      'SelfCheck 3600',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  const start = async () => {
    if (child && child.exitCode === null) return;
    const c = spawn(CLAMD_BINARY, ['-c', conf], { stdio: 'ignore' });
    child = c;
    let exited = false;
    c.on('exit', () => (exited = true));
    c.on('error', () => (exited = true));
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (exited) throw new Error('clamd exited during start-up');
      if (await ping(socket)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('clamd did not answer PING within 20 s');
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
    rmSync(socket, { force: true });
  };
  await start();
  return {
    socket,
    stop,
    start,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
