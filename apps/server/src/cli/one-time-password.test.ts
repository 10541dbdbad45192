import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../store';
import { oneTimePasswordFile } from './one-time-password';
import { BIN, ensureDist, plainNodeEnv, ROOT } from './test-dist';

// Issue 10 finding 8: the one-time password was printed on stdout, the stream
// that carries the JSON log into log files, journald and container logs.

const dirs: string[] = [];
beforeAll(ensureDist, 200_000);
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function dataDirWithOrg(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-otp-'));
  dirs.push(dir);
  const store = await createStore({ kind: 'sqlite', file: join(dir, 'parley.db') });
  await store.migrate();
  await store.orgs.create({ name: 'Acme', allowedOrigins: [] });
  await store.close();
  return dir;
}

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

describe('one-time passwords stay out of the log stream', () => {
  it('regression: without a terminal, `parley admin create` writes the password to a 0600 file in the data directory and only its path to stdout', async () => {
    const dir = await dataDirWithOrg();
    const res = spawnSync(
      process.execPath,
      [BIN, 'admin', 'create', '--email', 'Boss@Shop.test', '--data-dir', dir],
      { cwd: ROOT, env: plainNodeEnv(), encoding: 'utf8', timeout: 60_000 },
    );
    expect(res.status).toBe(0);
    const file = oneTimePasswordFile(dir, 'boss@shop.test');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const [email, password] = readFileSync(file, 'utf8').split('\n');
    expect(email).toBe('boss@shop.test');
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(res.stdout).toContain(file);
    expect(res.stdout).not.toContain(password);
    expect(res.stderr).not.toContain(password);
  });

  it.skipIf(!hasScript)(
    hasScript
      ? 'on an interactive terminal the password goes to stderr (the terminal), never to stdout'
      : 'on an interactive terminal … (skipped: no `script` command for a pseudo-terminal)',
    async () => {
      const dir = await dataDirWithOrg();
      const stdoutFile = join(dir, 'stdout.txt');
      const command = `'${process.execPath}' '${BIN}' admin create --email tty@shop.test --data-dir '${dir}' > '${stdoutFile}'`;
      // `script` gives the command a pseudo-terminal; stdout goes to a file, as a log would.
      const res = spawnSync('script', ['-q', '-e', '-c', command, '/dev/null'], {
        cwd: ROOT,
        env: plainNodeEnv(),
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(res.status).toBe(0);
      const terminal = res.stdout;
      const password = /One-time password for tty@shop\.test: ([A-Za-z0-9]{20})/.exec(
        terminal,
      )?.[1];
      expect(password).toBeDefined();
      const stdout = readFileSync(stdoutFile, 'utf8');
      expect(stdout).toMatch(/admin tty@shop\.test created/);
      expect(stdout).not.toContain(password);
      expect(statSync(oneTimePasswordFile(dir, 'tty@shop.test'), { throwIfNoEntry: false })).toBe(
        undefined,
      );
    },
  );
});
