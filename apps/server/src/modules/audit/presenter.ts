import type { AuditEntryView } from '@parley/protocol';
import type { AuditEntry } from '../../store';

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
