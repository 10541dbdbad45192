import { AUDIT_RETENTION_FLOOR_DAYS } from '@parley/protocol';
import type { Config } from '../config';
import type { Store } from '../store';
import type { DoctorCheck } from './doctor';

/** The job runs every 15 minutes on every node (modules/retention/job.ts); a day without a run is a stopped job. */
export const PURGE_STALE_MS = 24 * 60 * 60_000;
/** Floors below which a period breaks a rule (PCI DSS 10.5.1 for audit; the settings schema's 30 days for security events). */
const FLOORS = { auditDays: AUDIT_RETENTION_FLOOR_DAYS, securityEventDays: 30 } as const;

/** Per organisation: its periods, the last purge, and what is wrong with them. */
export async function retentionFacts(store: Store, now = Date.now()) {
  const out = [];
  for (const org of await store.orgs.list()) {
    const s = await store.retention.settings(org.id);
    const run = await store.retention.lastRun(org.id);
    const problems: string[] = [];
    const periods = s && [s.conversationDays, s.fileDays, s.securityEventDays, s.auditDays];
    const anySet = periods?.some((d) => d !== null) ?? false;
    if (!anySet) problems.push('no retention period set');
    for (const [field, floor] of Object.entries(FLOORS) as [keyof typeof FLOORS, number][]) {
      const days = s?.[field] ?? null;
      if (days !== null && days < floor) problems.push(`${field} ${days} < ${floor}`);
    }
    if (anySet && (!run || now - run.startedAt > PURGE_STALE_MS))
      problems.push(
        run ? `last purge ${new Date(run.startedAt).toISOString()}` : 'the purge never ran',
      );
    out.push({
      organisation: org.name,
      orgId: org.id,
      settings: s
        ? {
            conversationDays: s.conversationDays,
            conversationAction: s.conversationAction,
            fileDays: s.fileDays,
            securityEventDays: s.securityEventDays,
            auditDays: s.auditDays,
            updatedAt: s.updatedAt,
          }
        : null,
      lastRun: run
        ? {
            startedAt: run.startedAt,
            finishedAt: run.finishedAt,
            conversations: run.conversations,
            files: run.files,
            securityEvents: run.securityEvents,
            auditEntries: run.auditEntries,
          }
        : null,
      problems,
    });
  }
  return out;
}

/**
 * Retention (GDPR art. 5(1)(e) storage limitation; PCI DSS 10.5.1 keeps audit
 * a year): a period below its floor or a purge that has not run for a day
 * fails; an organisation without any period warns (data kept for ever).
 */
export async function retentionCheck(store: Store, now = Date.now()): Promise<DoctorCheck> {
  const name = 'retention';
  const facts = await retentionFacts(store, now);
  const broken = facts.filter((f) => f.problems.some((p) => p !== 'no retention period set'));
  const unset = facts.filter((f) => f.problems.includes('no retention period set'));
  if (broken.length > 0)
    return {
      name,
      status: 'fail',
      detail: broken.map((f) => `${f.organisation}: ${f.problems.join('; ')}`).join(' | '),
      fix: `keep audit ≥ ${AUDIT_RETENTION_FLOOR_DAYS} days and security events ≥ 30 (Privacy → Retention); a purge older than a day means no node runs the job: start a node and check its log for "retention"`,
    };
  if (unset.length > 0)
    return {
      name,
      status: 'warn',
      detail: `nothing is ever deleted in: ${unset.map((f) => f.organisation).join(', ')}`,
      fix: 'set retention periods on the console’s Privacy page (docs/privacy.md#retention)',
    };
  return {
    name,
    status: 'pass',
    detail: `periods set within the minimums and purged within a day in all ${facts.length} organisation(s)`,
  };
}

/** Setting names whose values are secrets: shown as set or not, never their value. */
const SECRET_NAME = /(secret|password|token$|key$|keks?$)/i;

/** The configuration for an auditor: secrets as "set"/"unset", URLs without credentials or query. */
export function redactedConfig(cfg: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cfg).sort(([a], [b]) => a.localeCompare(b))) {
    if (SECRET_NAME.test(k)) out[k] = v === undefined || v === '' ? 'unset' : 'set';
    else if (typeof v === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(v)) {
      try {
        const u = new URL(v);
        u.username = u.username ? '…' : '';
        u.password = '';
        u.search = '';
        out[k] = u.toString();
      } catch {
        out[k] = 'set (not a URL)';
      }
    } else out[k] = v;
  }
  return out;
}
