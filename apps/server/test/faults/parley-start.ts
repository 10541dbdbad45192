import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './kit';

/** A `parley start` child of a fault test, with its JSON log lines as they arrive. */
export interface ParleyStart<L> {
  child: ChildProcess;
  dataDir: string;
  /** Every JSON line of its stdout so far, parsed. */
  lines: L[];
  /** Its stdout so far, as text (the first-run banner is not JSON). */
  stdout(): string;
  /** SIGTERM, wait for the exit, remove the data directory. */
  stop(): Promise<void>;
}

/**
 * `parley start` on its embedded defaults (SQLite in a new data directory, in-process bus, the
 * vault next door). CI's DATABASE_URL and REDIS_URL name the machine's shared services, whose
 * installation has other keys, and a node with other keys refuses to start
 * (modules/security/key-check.ts), so they are left out of its environment.
 */
export function startParley<L extends object>(opts: {
  port: number;
  /** The data directory's name prefix in the temp directory. */
  prefix: string;
  /** Modules to `--import` before the CLI (a fault injector). */
  imports?: string[];
}): ParleyStart<L> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const dataDir = mkdtempSync(join(tmpdir(), opts.prefix));
  const args = ['--import', 'tsx', ...(opts.imports ?? []).flatMap((m) => ['--import', m])];
  const child = spawn(
    process.execPath,
    [
      ...args,
      join(ROOT, 'apps/server/src/cli/main.ts'),
      'start',
      '--data-dir',
      dataDir,
      '--port',
      String(opts.port),
      '--host',
      '127.0.0.1',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env },
  );
  const lines: L[] = [];
  let text = '';
  let rest = '';
  child.stdout?.on('data', (d: Buffer) => {
    text += d.toString();
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop() ?? '';
    for (const line of parts) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as L);
      } catch {
        // not a log line
      }
    }
  });
  return {
    child,
    dataDir,
    lines,
    stdout: () => text,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
