import { createHash, createHmac } from 'node:crypto';
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

function canonical(version: 'v1' | 'v2', e: Omit<AuditEntry, 'hash'>): string {
  return JSON.stringify([
    version,
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
}

/**
 * HMAC-SHA256, under the audit key, of the entry's canonical form (its fields
 * in a fixed order, the previous entry's hash last). PCI DSS 10.3.2: the key
 * never lives in the database, so someone who can write the database cannot
 * delete an entry and re-hash the rest (issue 10 finding 5).
 */
export function entryHash(e: Omit<AuditEntry, 'hash'>, key: Buffer): string {
  return createHmac('sha256', key).update(canonical('v2', e)).digest('hex');
}

/** The unkeyed SHA-256 of entries written before the chain was keyed; accepted only below a legacy anchor. */
export function legacyEntryHash(e: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256').update(canonical('v1', e)).digest('hex');
}
