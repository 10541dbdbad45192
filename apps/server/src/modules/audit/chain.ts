import { createHash } from 'node:crypto';
import type { AuditEntry } from '../../store';

export type DetailValue = string | number | boolean | null;

/** JSON with keys sorted: the same detail always serialises to the same bytes. */
export function canonicalDetail(detail: Record<string, DetailValue> = {}): string {
  const sorted: Record<string, DetailValue> = {};
  for (const key of Object.keys(detail).sort()) {
    const v = detail[key];
    if (v !== undefined) sorted[key] = v;
  }
  return JSON.stringify(sorted);
}

/**
 * SHA-256 over the entry's canonical form: a JSON array of its fields in a
 * fixed order, the previous entry's hash last (PCI DSS 10.3.2: audit logs are
 * protected from modification; an edit, deletion or reordering breaks the chain).
 */
export function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  const canonical = JSON.stringify([
    'v1',
    e.orgId,
    e.seq,
    e.id,
    e.at,
    e.actorKind,
    e.actorId,
    e.action,
    e.outcome,
    e.ip,
    e.resourceType,
    e.resourceId,
    e.detail,
    e.prevHash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
