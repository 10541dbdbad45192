import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneTimePasswordFile } from './one-time-password';
import { BIN, ensureDist, plainNodeEnv, ROOT } from './test-dist';

const dirs: string[] = [];
beforeAll(ensureDist, 200_000);
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'parley-cli-'));
  dirs.push(d);
  return d;
}

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

const cleanEnv = (): NodeJS.ProcessEnv => plainNodeEnv();

function parley(args: string[], env: NodeJS.ProcessEnv = cleanEnv()) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** Runs `parley start` until it prints its URLs; returns the output and a stop function. */
async function start(
  dataDir: string,
  port: number,
): Promise<{ out: string; stdout: string; stop: () => Promise<number | null> }> {
  const child = spawn(
    process.execPath,
    [BIN, 'start', '--data-dir', dataDir, '--port', String(port)],
    { cwd: ROOT, env: cleanEnv() },
  );
  let out = '';
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 45_000;
  while (!/Demo page:/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`parley start did not come up:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    out,
    stdout,
    stop: () =>
      new Promise((res) => {
        child.once('exit', (code) => res(code));
        child.kill('SIGTERM');
      }),
  };
}

describe('parley CLI', () => {
  it('prints help and refuses unknown commands with a clear message', () => {
    const help = parley(['--help']);
    expect(help.status).toBe(0);
    for (const cmd of ['start', 'server', 'migrate', 'admin create', 'mask'])
      expect(help.stdout).toContain(cmd);
    const bad = parley(['frobnicate']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it('stops at boot listing every bad setting', () => {
    const res = parley(['migrate'], {
      ...cleanEnv(),
      PARLEY_PORT: 'x',
      PARLEY_LOG_LEVEL: 'shout',
      DATABASE_URL: 'mysql://nope',
    });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/PARLEY_PORT/);
    expect(res.stderr).toMatch(/PARLEY_LOG_LEVEL/);
    expect(res.stderr).toMatch(/DATABASE_URL/);
  });

  it('migrates an empty data directory', () => {
    const dir = tempDir();
    const res = parley(['migrate', '--data-dir', dir]);
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/migrations applied \(sqlite\)/);
    expect(statSync(join(dir, 'parley.db')).isFile()).toBe(true);
  });

  it('starts on the embedded defaults, prints the admin password only on first run, and answers /healthz', async () => {
    const dir = tempDir();
    const port = await freePort();
    const first = await start(dir, port);
    expect(first.out).toMatch(/Console:\s+http:\/\/localhost:\d+\//);
    expect(first.out).toMatch(/Demo page:\s+http:\/\/localhost:\d+\/demo\?org=/);
    // Not a terminal: the one-time password is in a 0600 file, never on stdout.
    const file = oneTimePasswordFile(dir, 'admin@parley.local');
    expect(first.stdout).toContain(file);
    const password = readFileSync(file, 'utf8').split('\n')[1];
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(first.out).not.toContain(password);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@parley.local', password }),
    });
    expect(login.status).toBe(200);
    // The printed password is one-time: the first sign-in must replace it.
    expect(((await login.json()) as { stage?: string }).stage).toBe('password_change');
    expect(await first.stop()).toBe(0);

    const second = await start(dir, port);
    expect(second.out).not.toMatch(/One-time password/i);
    await second.stop();
  });

  it('refuses to create an admin before an organisation exists, saying why', () => {
    const dir = tempDir();
    expect(parley(['migrate', '--data-dir', dir]).status).toBe(0);
    const none = parley(['admin', 'create', '--email', 'boss@shop.test', '--data-dir', dir]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/no organisation yet/);
  });
});
