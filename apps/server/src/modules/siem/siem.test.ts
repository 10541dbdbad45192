import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../../../test/test-server';
import { haveRsyslog, Rsyslog } from '../../../test/rsyslog';
import { makeCert } from '../../../test/tls-cert';
import { waitFor } from '../../../test/faults/kit';
import { AgentClient } from '../../../test/clients';
import { audit } from '../audit';
import type { AuditEntry } from '../../store';
import { formatSyslog, frameOctetCounted } from './format';

const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
  orgId: 'org-1',
  seq: 7,
  id: 'e7',
  at: Date.UTC(2026, 11, 2, 10, 0, 0),
  actorKind: 'agent',
  actorId: 'agent-1',
  action: 'agent.role_change',
  outcome: 'success',
  ip: '192.0.2.10',
  resourceType: 'agent',
  resourceId: 'agent-2',
  detail: '{"role":"supervisor"}',
  prevHash: '0'.repeat(64),
  hash: 'a'.repeat(64),
  ...over,
});

describe('SIEM export: the syslog message', () => {
  it('is RFC 5424 with the facts as structured data and the entry as JSON', () => {
    const line = formatSyslog({ source: 'audit', entry: entry() }, 'json', 'host-1');
    // <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG; 13*8+5: log audit, notice.
    expect(line).toMatch(
      /^<109>1 2026-12-02T10:00:00\.000Z host-1 parley \d+ audit \[parley@32473 kind="audit" org="org-1" id="e7" seq="7" action="agent\.role_change" outcome="success" actorKind="agent" actor="agent-1" ip="192\.0\.2\.10" resourceType="agent" resource="agent-2" hash="a{64}"\] \ufeff\{/,
    );
    const json = JSON.parse(line.slice(line.indexOf('\ufeff') + 1)) as Record<string, unknown>;
    expect(json).toMatchObject({
      kind: 'audit',
      action: 'agent.role_change',
      detail: { role: 'supervisor' },
    });
    // A failure is a warning: 13*8+4.
    expect(formatSyslog({ source: 'audit', entry: entry({ outcome: 'failure' }) }, 'json')).toMatch(
      /^<108>1 /,
    );
  });

  it('escapes what would end a parameter or the structured data, and CEF separators', () => {
    const tricky = entry({ action: 'x"] [fake@1 a="b', resourceId: 'a\\b|c=d\ne' });
    const line = formatSyslog({ source: 'audit', entry: tricky }, 'json', 'h');
    expect(line).toContain('action="x\\"\\] [fake@1 a=\\"b"');
    expect(line).toContain('resource="a\\\\b|c=d\ne"');
    const cef = formatSyslog({ source: 'audit', entry: tricky }, 'cef', 'h');
    const msg = cef.slice(cef.indexOf('CEF:0|'));
    expect(msg.startsWith('CEF:0|Parley|Parley|')).toBe(true);
    // Header: the action with | escaped; seven unescaped separators before the extension.
    expect(msg.split(/(?<!\\)\|/).length).toBe(8);
    expect(msg).not.toContain('\n');
    expect(msg).toMatch(/ src=192\.0\.2\.10 /);
  });

  it('frames by octet count (RFC 6587), counting bytes, not characters', () => {
    expect(frameOctetCounted('é').toString('utf8')).toBe('2 é');
  });
});

describe.skipIf(!haveRsyslog())('SIEM export to a real syslog receiver (rsyslogd)', () => {
  let rsyslog: Rsyslog;
  let t: TestServer;
  beforeAll(async () => {
    rsyslog = await Rsyslog.start();
    t = await startTestServer({
      logLevel: 'warn',
      env: { PARLEY_SYSLOG_URL: `tcp://127.0.0.1:${rsyslog.port}` },
      siem: { confirmMs: 300, retryBaseMs: 100 },
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await rsyslog?.close();
  });

  const record = (n: number) =>
    audit.record(t.server.store, {
      orgId: t.orgId,
      actor: { kind: 'system', id: null },
      action: 'test.siem',
      outcome: 'success',
      detail: { n },
    });
  const received = () => {
    const ids = new Set<string>();
    for (const l of rsyslog.lines()) {
      const m = / id="([^"]+)"/.exec(l);
      if (m?.[1]) ids.add(m[1]);
    }
    return ids;
  };

  it('streams audit entries and security events as they happen', async () => {
    const e = await record(0);
    const failed = await new AgentClient(t.url).login(t.admin.email, 'not the password');
    expect(failed.ok).toBe(false);
    // A cookie that names no session: a security event (session_forged), installation-wide.
    await fetch(`${t.url}/api/auth/session`, { headers: { cookie: 'parley_session=forged' } });
    await waitFor('the entry and the sign-in failure at the receiver', () => {
      const lines = rsyslog.lines();
      return (
        received().has(e.id) &&
        lines.some((l) =>
          / parley \d+ security \[parley@32473 kind="security" id="[^"]+" type="session_forged"/.test(
            l,
          ),
        ) &&
        lines.some((l) => l.includes('action="auth.sign_in" outcome="failure"'))
      );
    });
    expect(rsyslog.lines().join('\n')).not.toContain('not the password');
  });

  it('loses nothing when the receiver is killed mid-stream and comes back', async () => {
    const ids: string[] = [];
    let stop = false;
    const writer = (async () => {
      for (let n = 1; !stop && n <= 400; n++) {
        ids.push((await record(n)).id);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await waitFor(
      'some entries received',
      () => ids.filter((id) => received().has(id)).length >= 20,
    );
    await rsyslog.kill();
    const atKill = ids.length;
    await waitFor('entries written while the receiver is down', () => ids.length >= atKill + 40);
    await rsyslog.start();
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await writer;
    await waitFor(
      `all ${ids.length} entries at the receiver`,
      () => {
        const got = received();
        return ids.every((id) => got.has(id));
      },
      30_000,
    );
    // Every row is marked delivered once its connection outlived the confirmation window.
    await waitFor(
      'an empty backlog',
      async () => (await t.server.store.siem.backlog('syslog')) === 0,
    );
  }, 60_000);
});

describe.skipIf(!haveRsyslog('tls'))('SIEM export over TLS in CEF (rsyslogd with gtls)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-siem-tls-'));
  let rsyslog: Rsyslog;
  let t: TestServer;
  beforeAll(async () => {
    const cert = makeCert(dir, 'syslog');
    rsyslog = await Rsyslog.start({ tls: { cert: cert.cert, key: cert.key } });
    t = await startTestServer({
      logLevel: 'warn',
      env: {
        PARLEY_SYSLOG_URL: `tls://localhost:${rsyslog.port}`,
        PARLEY_SYSLOG_CA_FILE: cert.cert,
        PARLEY_SYSLOG_FORMAT: 'cef',
      },
      siem: { confirmMs: 300, retryBaseMs: 100 },
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await rsyslog?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends CEF over a verified TLS connection', async () => {
    const e = await audit.record(t.server.store, {
      orgId: t.orgId,
      actor: { kind: 'system', id: null },
      action: 'test.tls',
      outcome: 'success',
    });
    await waitFor('the CEF line', () =>
      rsyslog
        .lines()
        .some((l) => l.includes(`externalId=${e.id}`) && l.includes('CEF:0|Parley|Parley|')),
    );
  });
});

describe.skipIf(!haveRsyslog('relp'))('SIEM export over RELP (rsyslogd imrelp)', () => {
  let rsyslog: Rsyslog;
  let t: TestServer;
  beforeAll(async () => {
    rsyslog = await Rsyslog.start({ relp: true });
    t = await startTestServer({
      logLevel: 'warn',
      env: { PARLEY_SYSLOG_URL: `relp://127.0.0.1:${rsyslog.port}` },
      siem: { retryBaseMs: 100 },
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await rsyslog?.close();
  });

  const received = () => new Set(rsyslog.lines().map((l) => / id="([^"]+)"/.exec(l)?.[1]));

  it('counts a message sent only when the receiver acknowledged it: a receiver that hangs, then dies, loses nothing', async () => {
    const ids: string[] = [];
    const record = async (n: number) =>
      ids.push(
        (
          await audit.record(t.server.store, {
            orgId: t.orgId,
            actor: { kind: 'system', id: null },
            action: 'test.relp',
            outcome: 'success',
            detail: { n },
          })
        ).id,
      );
    for (let n = 0; n < 20; n++) await record(n);
    await waitFor('the first entries', () => ids.every((id) => received().has(id)));
    // Hung: the socket still takes bytes, so only an acknowledgement tells what arrived.
    rsyslog.pause();
    for (let n = 20; n < 80; n++) await record(n);
    await new Promise((r) => setTimeout(r, 500));
    await rsyslog.kill();
    for (let n = 80; n < 100; n++) await record(n);
    await rsyslog.start();
    await waitFor(
      'all 100 entries at the receiver',
      () => {
        const got = received();
        return ids.every((id) => got.has(id));
      },
      30_000,
    );
    await waitFor(
      'an empty backlog',
      async () => (await t.server.store.siem.backlog('syslog')) === 0,
    );
  }, 60_000);
});
