import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Config } from '../config';
import { storeOptionsFor } from '../main';
import { createStore, type Store } from '../store';
import { auditVerifyOptions, readCheckpoints, verifyAudit } from '../modules/audit';
import { checkpointFileOf } from '../modules/audit';
import { keysDifferingFromInstallation, loadDataKeks, loadKeyring } from '../modules/security';
import { SYSLOG_CHANNEL } from '../modules/siem';
import { createSmtpTransport } from '../modules/mail';
import { retentionCheck } from './doctor-retention';

/** One line of `parley doctor`: what was looked at, the verdict, and how to fix a failure. */
export interface DoctorCheck {
  name: string;
  status: 'pass' | 'warn' | 'fail';
  detail: string;
  fix?: string;
}

const pass = (name: string, detail: string): DoctorCheck => ({ name, status: 'pass', detail });
const warn = (name: string, detail: string, fix: string): DoctorCheck => ({
  name,
  status: 'warn',
  detail,
  fix,
});
const failed = (name: string, detail: string, fix: string): DoctorCheck => ({
  name,
  status: 'fail',
  detail,
  fix,
});

/** The data directory 0700 and every file in it 0600: databases, WALs, keys, checkpoints. */
function permissions(cfg: Config): DoctorCheck {
  const name = 'data directory permissions';
  if (!existsSync(cfg.dataDir))
    return failed(name, `${cfg.dataDir} does not exist`, 'run `parley start` once');
  const loose: string[] = [];
  if ((statSync(cfg.dataDir).mode & 0o077) !== 0) loose.push(`${cfg.dataDir}/`);
  for (const f of readdirSync(cfg.dataDir)) {
    const st = statSync(join(cfg.dataDir, f));
    if (st.isFile() && (st.mode & 0o077) !== 0) loose.push(f);
  }
  return loose.length === 0
    ? pass(name, 'the directory is 0700 and its files 0600')
    : failed(
        name,
        `readable by others: ${loose.join(', ')}`,
        `chmod 700 ${cfg.dataDir} && chmod 600 ${cfg.dataDir}/* (Parley also does this at start)`,
      );
}

/** TLS served by Parley (certificate valid for 14 days more) or by a proxy Parley trusts. */
function tls(cfg: Config): DoctorCheck {
  const name = 'TLS and HSTS';
  if (cfg.tlsCert) {
    try {
      const cert = new X509Certificate(readFileSync(cfg.tlsCert));
      const days = Math.floor((Date.parse(cert.validTo) - Date.now()) / 86_400_000);
      if (days < 0)
        return failed(name, `the certificate expired on ${cert.validTo}`, 'renew PARLEY_TLS_CERT');
      if (days < 14)
        return warn(
          name,
          `the certificate expires in ${days} days`,
          'renew PARLEY_TLS_CERT (reloaded without a restart)',
        );
      return pass(name, `HTTPS with HSTS; the certificate is valid for ${days} more days`);
    } catch {
      return failed(
        name,
        `cannot read ${cfg.tlsCert}`,
        'point PARLEY_TLS_CERT at a PEM certificate',
      );
    }
  }
  if (cfg.trustProxy > 0)
    return warn(
      name,
      `behind ${cfg.trustProxy} trusted proxy hop(s): TLS and HSTS are the proxy's`,
      'check the proxy sends Strict-Transport-Security (docs/deployment.md)',
    );
  return cfg.production
    ? failed(
        name,
        'production without TLS or a trusted proxy',
        'set PARLEY_TLS_CERT and PARLEY_TLS_KEY, or PARLEY_TRUST_PROXY',
      )
    : warn(
        name,
        'plain HTTP (not production)',
        'set PARLEY_TLS_CERT/PARLEY_TLS_KEY or run behind a proxy (docs/deployment.md)',
      );
}

async function migrations(store: Store): Promise<DoctorCheck> {
  const name = 'database schema';
  const { applied, pending } = await store.pendingMigrations();
  return pending.length === 0
    ? pass(name, `${store.dialect}, ${applied} migrations applied`)
    : failed(name, `not applied: ${pending.join(', ')}`, 'run `parley migrate` (or start a node)');
}

async function auditChain(store: Store, cfg: Config): Promise<DoctorCheck[]> {
  const report = await verifyAudit(store, auditVerifyOptions(cfg));
  const chain = report.ok
    ? pass('audit chain', `${report.chains} chain(s), ${report.entries} entries, intact`)
    : failed(
        'audit chain',
        `${report.problems.length} problem(s), first: ${report.problems[0]?.message ?? 'unknown'}`,
        'run `parley audit verify` for every problem; restore the log from a backup and investigate who wrote the database',
      );
  const file = checkpointFileOf(cfg);
  const lines = readCheckpoints(file, loadKeyring(cfg).auditKey).checkpoints;
  const newest = Math.max(0, ...lines.map((c) => c.at));
  const age = Math.round((Date.now() - newest) / 1000);
  const anchored =
    lines.length === 0
      ? warn(
          'audit anchoring',
          `no checkpoint in ${file} yet`,
          'start a node (it anchors every PARLEY_AUDIT_CHECKPOINT_SECONDS) or POST /api/audit/checkpoint',
        )
      : age > cfg.auditCheckpointSeconds * 3
        ? warn(
            'audit anchoring',
            `the newest checkpoint is ${age} s old`,
            'check that a node is running and can write the checkpoint file',
          )
        : pass('audit anchoring', `${lines.length} signed checkpoint(s), the newest ${age} s old`);
  return [chain, anchored];
}

async function installationKeys(store: Store, cfg: Config): Promise<DoctorCheck> {
  const name = 'installation keys';
  const k = loadKeyring(cfg);
  const { recorded, differing } = await keysDifferingFromInstallation(store, {
    data: loadDataKeks(cfg),
    audit: k.auditKey,
    secrets: k.sealKey,
  });
  if (!recorded)
    return warn(name, 'no node has recorded its keys yet', 'start a node once (`parley start`)');
  return differing.length === 0
    ? pass(name, "this machine's data, audit and secrets keys are the installation's")
    : failed(
        name,
        `this machine's ${differing.join(', ')} differ from the installation's`,
        'give every node the same keys (docs/configuration.md "Keys"); a node with other keys refuses to start',
      );
}

async function mfaPolicy(store: Store): Promise<DoctorCheck> {
  const name = 'MFA policy';
  const orgs = await store.orgs.list();
  const weak: string[] = [];
  const adminsOnly: string[] = [];
  for (const org of orgs) {
    const s = await store.security.settings(org.id);
    if (s.mfaPolicy === 'none') weak.push(org.name);
    else if (s.mfaPolicy === 'admins') adminsOnly.push(org.name);
  }
  if (weak.length > 0)
    return failed(
      name,
      `no second factor required in: ${weak.join(', ')}`,
      'Security settings → two-step verification: everyone (PCI DSS 8.4.2)',
    );
  if (adminsOnly.length > 0)
    return warn(
      name,
      `only admins need a second factor in: ${adminsOnly.join(', ')}`,
      'require it of everyone who reads conversations (PCI DSS 8.4.2)',
    );
  return pass(name, `every agent needs a second factor in all ${orgs.length} organisation(s)`);
}

async function clocks(store: Store): Promise<DoctorCheck> {
  const name = 'clocks';
  if (store.dialect !== 'postgres') return pass(name, 'one machine (SQLite): nothing to compare');
  const r = await sql<{
    ms: string | number;
  }>`SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint AS ms`.execute(store.db);
  const skew = Math.abs(Number(r.rows[0]?.ms ?? 0) - Date.now());
  return skew > 2000
    ? failed(
        name,
        `this machine and PostgreSQL differ by ${skew} ms`,
        'run NTP (chrony or systemd-timesyncd) on every machine',
      )
    : pass(name, `this machine and PostgreSQL agree within ${skew} ms`);
}

async function siem(store: Store, cfg: Config): Promise<DoctorCheck> {
  const name = 'SIEM export';
  if (!cfg.syslogUrl)
    return warn(
      name,
      'no syslog receiver configured',
      'set PARLEY_SYSLOG_URL (docs/operations.md#siem-export)',
    );
  const backlog = await store.siem.backlog(SYSLOG_CHANNEL);
  return backlog > 1000
    ? warn(
        name,
        `${backlog} entries waiting for ${cfg.syslogUrl}`,
        'check the receiver is reachable; nothing is dropped meanwhile',
      )
    : pass(name, `${cfg.syslogUrl}, ${backlog} waiting`);
}

/** clamd's `VERSION` reply, e.g. `ClamAV 1.0.7/27473/Tue Dec  1 08:33:05 2026`, within 3 s. */
function clamdVersion(cfg: Config): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = cfg.filesClamdSocket
      ? connect(cfg.filesClamdSocket)
      : connect({ host: cfg.filesClamdHost ?? '127.0.0.1', port: cfg.filesClamdPort ?? 3310 });
    let reply = '';
    const timer = setTimeout(() => s.destroy(new Error('no answer within 3 s')), 3000);
    s.once('connect', () => s.write('zVERSION\0'));
    s.on('data', (d: Buffer) => (reply += d.toString('utf8')));
    s.once('error', (err: Error) => {
      clearTimeout(timer);
      reject(err);
    });
    s.once('close', () => {
      clearTimeout(timer);
      resolve(reply.replace(/\0/g, '').trim());
    });
  });
}

/** ClamAV reachable, and its signatures no older than three days (freshclam runs). */
async function scanning(cfg: Config): Promise<DoctorCheck> {
  const name = 'malware scanning';
  if (!cfg.filesClamdSocket && !cfg.filesClamdHost)
    return warn(
      name,
      'no clamd configured: file uploads are refused',
      'set PARLEY_CLAMD_SOCKET or PARLEY_CLAMD_HOST/PORT (docs/files.md)',
    );
  let version: string;
  try {
    version = await clamdVersion(cfg);
  } catch (err) {
    return failed(
      name,
      `clamd does not answer: ${err instanceof Error ? err.message : String(err)}`,
      'start clamav-daemon; uploads wait as "checking" meanwhile',
    );
  }
  const [, db, date] = version.split('/');
  const at = date ? Date.parse(date.replace(/\s+/g, ' ')) : NaN;
  if (!db || db === '0' || Number.isNaN(at))
    return warn(
      name,
      `clamd answers (${version}) but has no dated signature database`,
      'run freshclam (Debian: clamav-freshclam) so that new malware is known',
    );
  const days = Math.floor((Date.now() - at) / 86_400_000);
  return days > 3
    ? warn(
        name,
        `signatures ${db} are ${days} days old`,
        'check that freshclam runs and reaches its mirror',
      )
    : pass(name, `clamd answers; signatures ${db} from ${date?.trim()}`);
}

/** E-mail works when the SMTP server greets, takes the sign-in and says goodbye (nothing is sent). */
async function email(cfg: Config): Promise<DoctorCheck> {
  const name = 'e-mail';
  if (!cfg.smtpHost)
    return warn(
      name,
      'no SMTP server: unlock links and notifications are off',
      'set PARLEY_SMTP_HOST and PARLEY_SMTP_FROM (docs/email.md)',
    );
  const where = `SMTP ${cfg.smtpHost}:${cfg.smtpPort ?? 'default'}`;
  const transport = createSmtpTransport({ ...cfg, smtpHost: cfg.smtpHost });
  try {
    await transport.verify?.();
    return pass(name, `${where} answers and accepts the connection (${cfg.smtpSecurity})`);
  } catch (err) {
    return failed(
      name,
      `${where}: ${err instanceof Error ? err.message : String(err)}`,
      'check PARLEY_SMTP_HOST, PARLEY_SMTP_PORT, PARLEY_SMTP_SECURITY and the credentials (docs/email.md)',
    );
  } finally {
    transport.close();
  }
}

/**
 * Inspects an installation (its configuration, data directory and store) and
 * returns one verdict per check. It writes nothing; opening the store tightens
 * loose file modes as every Parley command does, after they were reported.
 * A check that cannot run is a failure that says why.
 */
export async function runDoctor(cfg: Config): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [permissions(cfg), tls(cfg), await scanning(cfg), await email(cfg)];
  if (!cfg.databaseUrl && !existsSync(join(cfg.dataDir, 'parley.db'))) {
    checks.push(
      failed(
        'database',
        `no parley.db in ${cfg.dataDir}`,
        'run `parley start` once, or pass --data-dir',
      ),
    );
    return checks;
  }
  let store: Store | undefined;
  try {
    store = await createStore(storeOptionsFor(cfg));
  } catch (err) {
    checks.push(
      failed(
        'database',
        err instanceof Error ? err.message : String(err),
        'check DATABASE_URL or the data directory',
      ),
    );
    return checks;
  }
  try {
    const schema = await migrations(store);
    checks.push(schema);
    if (schema.status === 'fail') return checks;
    for (const check of [
      () => auditChain(store, cfg),
      () => installationKeys(store, cfg),
      () => mfaPolicy(store),
      () => clocks(store),
      () => siem(store, cfg),
      () => retentionCheck(store),
    ]) {
      try {
        const r = await check();
        checks.push(...(Array.isArray(r) ? r : [r]));
      } catch (err) {
        checks.push(
          failed('check', err instanceof Error ? err.message : String(err), 'see the message'),
        );
      }
    }
  } finally {
    await store.close();
  }
  return checks;
}

/** The report as text: one line per check, with its fix under a failure or a warning. */
export function formatDoctor(checks: readonly DoctorCheck[]): string {
  const mark = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' } as const;
  return checks
    .map((c) => `${mark[c.status]}  ${c.name}: ${c.detail}${c.fix ? `\n      fix: ${c.fix}` : ''}`)
    .join('\n');
}
