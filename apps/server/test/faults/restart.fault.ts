import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { newVisitor, visitorSocket } from '../clients';
import { recordFigure } from './figures';
import { ROOT, waitFor } from './kit';

// The suite's range: the server and, next door, its embedded vault.
const PORT = 19280;

/**
 * `parley start` on its embedded defaults (SQLite in the data directory, in-process bus): CI's
 * DATABASE_URL and REDIS_URL name the machine's shared services, whose installation has other
 * keys, and a node with other keys refuses to start (modules/security/key-check.ts).
 */
function embeddedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  return env;
}
const BASE = `http://127.0.0.1:${PORT}`;

interface LogLine {
  msg?: string;
  name?: string;
  childPid?: number;
  code?: number | null;
  delayMs?: number;
}

describe('fault: an error escapes every handler under `parley start`', () => {
  let supervisor: ChildProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-restart-'));
  const lines: LogLine[] = [];
  let stdout = '';

  afterAll(async () => {
    if (supervisor && supervisor.exitCode === null) {
      const exited = new Promise((r) => supervisor?.once('exit', r));
      supervisor.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('drains (sockets closed with the retryable 1001), exits 70, and the supervisor starts a serving node again without anyone', async () => {
    supervisor = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        resolve(import.meta.dirname, 'escape-on-signal.mjs'),
        join(ROOT, 'apps/server/src/cli/main.ts'),
        'start',
        '--data-dir',
        dataDir,
        '--port',
        String(PORT),
        '--host',
        '127.0.0.1',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: embeddedEnv() },
    );
    supervisor.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      for (const line of d.toString().split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          lines.push(JSON.parse(line) as LogLine);
        } catch {
          // a line split across chunks: not one the test needs
        }
      }
    });
    const started = () =>
      lines.filter((l) => l.name === 'parley-supervisor' && l.msg === 'server process started');
    const healthy = async () => (await fetch(`${BASE}/healthz`)).status === 200;

    const first = (await waitFor('the first server process', () => started()[0], 60_000)).childPid;
    await waitFor('the first node to serve', healthy, 60_000);
    const orgKey = await waitFor('the organisation key', () => /\?org=([\w-]+)/.exec(stdout)?.[1]);

    const v = await newVisitor(BASE, orgKey);
    const before = await visitorSocket(BASE, v.token);
    await before.resume(v.conversationId);
    before.send({
      type: 'send',
      clientMsgId: 'r1',
      conversationId: v.conversationId,
      text: 'hello',
    });
    expect((await before.next('ack', (f) => f.clientMsgId === 'r1')).seq).toBe(1);

    const t0 = performance.now();
    process.kill(first ?? 0, 'SIGUSR2');
    // The drain closes sockets with server_shutting_down: 1001, which clients retry.
    expect(await before.closed).toBe(1001);
    const restart = await waitFor('the supervisor to restart', () =>
      lines.find((l) => l.msg === 'server process ended; restarting'),
    );
    expect(restart.code).toBe(70);
    const second = (await waitFor('a second server process', () => started()[1], 60_000)).childPid;
    expect(second).not.toBe(first);
    await waitFor('the restarted node to serve', healthy, 60_000);
    const restartedMs = performance.now() - t0;

    // The same visitor carries on: resume after what it saw, send, get the next seq.
    const after = await visitorSocket(BASE, v.token);
    await after.resume(v.conversationId, 1);
    after.send({
      type: 'send',
      clientMsgId: 'r2',
      conversationId: v.conversationId,
      text: 'again',
    });
    expect((await after.next('ack', (f) => f.clientMsgId === 'r2', 15_000)).seq).toBe(2);
    after.close();
    recordFigure('restart', { restartedMs: Math.round(restartedMs), backoffMs: restart.delayMs });
  });
});
