import type { AgentAdminView, AuditEntryView, SecuritySettings } from '@parley/protocol';
import type { AgentRow, AuditEntry, OrgSecurityRow } from '../../store';

export function presentAgentAdmin(
  a: AgentRow,
  extra: { mfaEnabled: boolean; locked: boolean },
): AgentAdminView {
  return {
    id: a.id,
    email: a.email,
    name: a.name,
    role: a.role,
    active: a.active,
    mfaEnabled: extra.mfaEnabled,
    locked: extra.locked,
    createdAt: a.createdAt,
  };
}

/** The webhook secret never leaves the server; only whether one is set. */
export function presentSecuritySettings(s: OrgSecurityRow): SecuritySettings {
  return {
    mfaPolicy: s.mfaPolicy,
    ipAllowlist: s.ipAllowlist,
    webhookUrl: s.webhookUrl,
    webhookSecretSet: s.webhookSecret !== null,
  };
}

export function presentAuditEntry(e: AuditEntry): AuditEntryView {
  let detail: Record<string, unknown> = {};
  try {
    detail = JSON.parse(e.detail) as Record<string, unknown>;
  } catch {
    // A detail that is not JSON is shown empty; `parley audit verify` reports the entry.
  }
  return {
    seq: e.seq,
    at: e.at,
    actorKind: e.actorKind,
    actorId: e.actorId,
    action: e.action,
    outcome: e.outcome,
    ip: e.ip,
    resourceType: e.resourceType,
    resourceId: e.resourceId,
    detail,
    hash: e.hash,
  };
}
