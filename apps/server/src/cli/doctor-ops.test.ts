import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { storeOptionsFor } from '../main';
import { createStore, type Store } from '../store';
import { startTestServer } from '../../test/test-server';
import { startSmtp } from '../../test/smtp';
import { PURGE_STALE_MS, retentionCheck } from './doctor-retention';
import { smtpTest } from './doctor-smtp';
import { runDoctor } from './doctor';
import { writeEvidence } from './evidence';

/** Issue 17 item 8: the doctor's test message, retention check and the bundle's config and retention. */
let dataDir: string;
let orgId: string;
const config = (env: Record<string, string> = {}) =>
  loadConfig({ PARLEY_LOG_LEVEL: 'warn', ...env }, { dataDir });

beforeAll(async () => {
  const t = await startTestServer({ logLevel: 'warn' });
  dataDir = t.dataDir;
  orgId = t.orgId;
  await t.server.close();
}, 60_000);

describe('parley doctor --smtp-test ADDRESS', () => {
  const env = (port: number) => ({
    PARLEY_SMTP_HOST: '127.0.0.1',
    PARLEY_SMTP_PORT: String(port),
    PARLEY_SMTP_SECURITY: 'none',
    PARLEY_SMTP_FROM: 'parley@example.com',
    PARLEY_SMTP_TIMEOUT_MS: '3000',
  });

  it('sends one real message that the SMTP server receives, and names its Message-ID', async () => {
    const smtp = await startSmtp();
    try {
      const check = await smtpTest(config(env(smtp.port)), 'ops@example.net');
      expect(check.status).toBe('pass');
      await smtp.waitFor(1);
      const mail = smtp.received[0]!;
      expect(mail.subject).toBe('Parley: test message from parley doctor');
      expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('ops@example.net');
      expect(mail.from?.text).toBe('parley@example.com');
      expect(check.detail).toContain(mail.messageId!);
    } finally {
      await smtp.close();
    }
  });

  it('fails with the server’s code when it refuses, and when nothing listens', async () => {
    const smtp = await startSmtp('refuse');
    const cfg = config(env(smtp.port));
    try {
      const refused = await smtpTest(cfg, 'ops@example.net');
      expect(refused.status).toBe('fail');
      expect(refused.detail).toContain('(554)');
      expect(refused.fix).toMatch(/PARLEY_SMTP_/);
    } finally {
      await smtp.close();
    }
    expect((await smtpTest(cfg, 'ops@example.net')).status).toBe('fail');
  });

  it('sends nothing to something that is not one address, or without a relay', async () => {
    const smtp = await startSmtp();
    try {
      const bad = await smtpTest(config(env(smtp.port)), 'a@example.net, b@example.net');
      expect(bad).toMatchObject({ status: 'fail', detail: 'not an e-mail address' });
      const none = await smtpTest(config(), 'ops@example.net');
      expect(none.status).toBe('fail');
      expect(none.fix).toMatch(/PARLEY_SMTP_HOST/);
      expect(smtp.dataCommands).toBe(0);
    } finally {
      await smtp.close();
    }
  });
});

describe('the retention check', () => {
  let store: Store;
  beforeAll(async () => {
    store = await createStore(storeOptionsFor(config()));
  });
  afterAll(async () => store?.close());
  const periods = {
    conversationDays: 90,
    conversationAction: 'delete' as const,
    fileDays: 30,
    securityEventDays: 180,
    auditDays: 400,
  };

  it('warns when nothing is ever deleted, fails a purge that never ran or stopped, passes a fresh one', async () => {
    const none = {
      ...periods,
      conversationDays: null,
      fileDays: null,
      securityEventDays: null,
      auditDays: null,
    };
    await store.retention.save(orgId, none, 'doctor-test', Date.now());
    const unset = await retentionCheck(store);
    expect(unset.status).toBe('warn');
    expect(unset.fix).toMatch(/Privacy/);

    await store.retention.save(orgId, periods, 'doctor-test', Date.now());
    const never = await retentionCheck(store);
    // The installation stopped before its first purge (the job runs only where periods are set).
    expect(await store.retention.lastRun(orgId)).toBeFalsy();
    expect(never.status).toBe('fail');
    expect(never.detail).toContain('the purge never ran');
    const at = Date.now();
    const run = await store.retention.openRun(orgId, `doctor-test-${at}`, at);
    await store.retention.finishRun(run.id, at);
    expect(await retentionCheck(store, at + 60_000)).toMatchObject({ status: 'pass' });
    const stale = await retentionCheck(store, at + PURGE_STALE_MS + 60_000);
    expect(stale.status).toBe('fail');
    expect(stale.detail).toContain(`last purge ${new Date(at).toISOString()}`);
  });

  it('fails an audit period below a year (PCI DSS 10.5.1) written behind the API’s back', async () => {
    await store.retention.save(orgId, { ...periods, auditDays: 90 }, 'doctor-test', Date.now());
    const check = await retentionCheck(store, Date.now());
    expect(check.status).toBe('fail');
    expect(check.detail).toContain('auditDays 90 < 365');
    await store.retention.save(orgId, periods, 'doctor-test', Date.now());
  });

  it('is one of the doctor’s checks', async () => {
    const checks = await runDoctor(config());
    expect(checks.find((c) => c.name === 'retention')).toBeDefined();
  });
});

describe('the evidence bundle: retention and configuration', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'parley-evidence-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('holds the retention periods and last purge, and the configuration without any secret', async () => {
    const secrets = {
      PARLEY_SMTP_HOST: '127.0.0.1',
      PARLEY_SMTP_FROM: 'parley@example.com',
      PARLEY_SMTP_USER: 'relay-user',
      PARLEY_SMTP_PASSWORD: 'smtp-password-never-in-evidence',
      PARLEY_METRICS_TOKEN: 'metrics-token-never-in-evidence',
      REDIS_URL: 'redis://:redis-password-never-in-evidence@127.0.0.1:6379/0',
    };
    const cfg = config(secrets);
    const { files } = await writeEvidence(cfg, out, []);
    expect(files).toEqual(expect.arrayContaining(['retention.json', 'config.json']));
    const retention = JSON.parse(readFileSync(join(out, 'retention.json'), 'utf8')) as {
      orgId: string;
      settings: { auditDays: number } | null;
      lastRun: { startedAt: number } | null;
    }[];
    const mine = retention.find((r) => r.orgId === orgId);
    expect(mine?.settings?.auditDays).toBe(400);
    expect(mine?.lastRun?.startedAt).toBeGreaterThan(0);
    const text = readFileSync(join(out, 'config.json'), 'utf8');
    const shown = JSON.parse(text) as Record<string, unknown>;
    expect(shown.smtpPassword).toBe('set');
    expect(shown.metricsToken).toBe('set');
    expect(shown.smtpHost).toBe('127.0.0.1');
    expect(shown.redisUrl).toBe('redis://127.0.0.1:6379/0');
    expect(text).not.toMatch(/never-in-evidence/);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      files: { name: string }[];
    };
    expect(manifest.files.map((f) => f.name)).toEqual(
      expect.arrayContaining(['retention.json', 'config.json']),
    );
  });
});
