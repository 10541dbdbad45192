import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { startTestServer } from '../../test/test-server';
import { AgentClient } from '../../test/clients';
import { CLAMD_BINARY, startClamd } from '../../test/clamd';
import { startSmtp } from '../../test/smtp';
import { BIN, ensureDist, ROOT } from './test-dist';
import { runDoctor, type DoctorCheck } from './doctor';

let dataDir: string;
const byName = (checks: DoctorCheck[], name: string) => checks.find((c) => c.name === name);
const config = (env: Record<string, string> = {}) =>
  loadConfig({ PARLEY_LOG_LEVEL: 'warn', ...env }, { dataDir });

beforeAll(async () => {
  // An installation that ran once and stopped: its data directory stays.
  const t = await startTestServer({ logLevel: 'warn' });
  dataDir = t.dataDir;
  // One audited act: a failed sign-in.
  expect((await new AgentClient(t.url).login(t.admin.email, 'wrong password')).ok).toBe(false);
  await t.server.close();
}, 60_000);

describe('parley doctor', () => {
  it('passes what is right and fails what is not, each with a fix', async () => {
    const checks = await runDoctor(config());
    expect(byName(checks, 'data directory permissions')?.status).toBe('pass');
    expect(byName(checks, 'database schema')).toMatchObject({ status: 'pass' });
    expect(byName(checks, 'audit chain')?.status).toBe('pass');
    expect(byName(checks, 'audit chain')?.detail).toMatch(/[1-9]\d* entries, intact/);
    // The test organisation requires no second factor (a store-only setting of the test kit).
    expect(byName(checks, 'MFA policy')?.status).toBe('fail');
    expect(byName(checks, 'MFA policy')?.fix).toMatch(/8\.4\.2/);
    expect(byName(checks, 'TLS and HSTS')).toMatchObject({ status: 'warn' });
    expect(byName(checks, 'SIEM export')?.status).toBe('warn');
    expect(byName(checks, 'SIEM export')?.fix).toMatch(/PARLEY_SYSLOG_URL/);
    for (const c of checks) if (c.status !== 'pass') expect(c.fix, c.name).toBeTruthy();
  });

  it("fails a machine whose keys are not the installation's", async () => {
    expect(byName(await runDoctor(config()), 'installation keys')?.status).toBe('pass');
    const other = byName(
      await runDoctor(config({ PARLEY_SECRETS_KEY: 'ab'.repeat(32) })),
      'installation keys',
    );
    expect(other?.status).toBe('fail');
    expect(other?.detail).toContain('PARLEY_SECRETS_KEY');
    expect(other?.detail).not.toContain('PARLEY_AUDIT_KEY');
  });

  it('names a database file others can read', async () => {
    chmodSync(join(dataDir, 'parley.db'), 0o644);
    const check = byName(await runDoctor(config()), 'data directory permissions');
    expect(check?.status).toBe('fail');
    expect(check?.detail).toContain('parley.db');
  });

  it('fails production without TLS, and a chain with an edited entry', async () => {
    expect(
      byName(await runDoctor({ ...config(), production: true, trustProxy: 0 }), 'TLS and HSTS')
        ?.status,
    ).toBe('fail');
    const db = new Database(join(dataDir, 'parley.db'));
    expect(
      db.prepare("UPDATE audit_log SET action = 'edited.by.hand' WHERE seq = 1").run().changes,
    ).toBeGreaterThan(0);
    db.close();
    expect(byName(await runDoctor(config()), 'audit chain')).toMatchObject({ status: 'fail' });
  });

  it.skipIf(!CLAMD_BINARY)(
    'asks clamd for its version: a missing signature database warns, a dead clamd fails',
    async () => {
      const clamd = await startClamd();
      try {
        const live = byName(
          await runDoctor(config({ PARLEY_CLAMD_SOCKET: clamd.socket })),
          'malware scanning',
        );
        // The test clamd loads only the repository's EICAR signature, no dated database.
        expect(live?.status).toBe('warn');
        expect(live?.detail).toMatch(/clamd answers \(ClamAV /);
        expect(live?.fix).toMatch(/freshclam/);
        await clamd.stop();
        const dead = byName(
          await runDoctor(config({ PARLEY_CLAMD_SOCKET: clamd.socket })),
          'malware scanning',
        );
        expect(dead?.status).toBe('fail');
      } finally {
        await clamd.close();
      }
    },
    60_000,
  );

  it('talks to the SMTP server: a live one passes, a closed port fails with the fix', async () => {
    const smtp = await startSmtp();
    const env = {
      PARLEY_SMTP_HOST: '127.0.0.1',
      PARLEY_SMTP_SECURITY: 'none',
      PARLEY_SMTP_FROM: 'parley@example.com',
      PARLEY_SMTP_TIMEOUT_MS: '3000',
    };
    try {
      const live = byName(
        await runDoctor(config({ ...env, PARLEY_SMTP_PORT: String(smtp.port) })),
        'e-mail',
      );
      expect(live).toMatchObject({ status: 'pass' });
      expect(live?.detail).toMatch(/answers/);
    } finally {
      await smtp.close();
    }
    const dead = byName(
      await runDoctor(config({ ...env, PARLEY_SMTP_PORT: String(smtp.port) })),
      'e-mail',
    );
    expect(dead?.status).toBe('fail');
    expect(dead?.fix).toMatch(/PARLEY_SMTP_HOST/);
    expect(smtp.received).toEqual([]);
  });

  it('reports a missing installation instead of creating one', async () => {
    const empty = join(dataDir, 'nowhere');
    const checks = await runDoctor(loadConfig({}, { dataDir: empty }));
    expect(byName(checks, 'database')?.status).toBe('fail');
    rmSync(empty, { recursive: true, force: true });
  });

  it('prints JSON with --json and exits 1 when a check fails (the CLI)', async () => {
    await ensureDist();
    const env: NodeJS.ProcessEnv = { ...process.env, PARLEY_LOG_LEVEL: 'warn' };
    delete env.DATABASE_URL;
    const r = spawnSync(process.execPath, [BIN, 'doctor', '--json', '--data-dir', dataDir], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { checks: DoctorCheck[] };
    expect(out.checks.map((c) => c.name)).toContain('audit chain');
  }, 200_000);
});
