import type { AuditEntry, AuditFilter, Store, Tx } from '../../store';
import { requestFacts } from '../../lib/request-context';
import { keyringOf } from '../security';
import { siemChannelsOf, wakeSiem } from '../siem';
import { canonicalDetail, entryHash, type DetailValue } from './chain';

export type AuditOutcome = 'success' | 'failure';

export interface AuditInput {
  /** The organisation whose chain gets the entry; '' for installation-wide acts (a sign-in for an unknown account). */
  orgId: string;
  actor: { kind: 'agent' | 'visitor' | 'system' | 'anonymous'; id: string | null };
  /** Dotted verb, e.g. `auth.sign_in`, `agent.role_change`, `payment.refund`. */
  action: string;
  outcome: AuditOutcome;
  /** Origin of the request (PCI DSS 10.2.2). */
  ip?: string | null | undefined;
  resource?: { type: string; id: string | null } | undefined;
  /** Small facts about the act; never a password, code, secret, token or card data. */
  detail?: Record<string, DetailValue> | undefined;
  at?: number | undefined;
}

/**
 * Appends one entry to the organisation's keyed hash chain (DESIGN.md law 6).
 * Throws when the entry cannot be written or no audit key is bound to the
 * store: an act that must be audited fails with it (law 7). Given `tx`, the
 * entry and its SIEM outbox rows are written in that transaction, so the
 * change it records and the entry commit together or not at all.
 */
export async function record(store: Store, input: AuditInput, tx?: Tx): Promise<AuditEntry> {
  const key = keyringOf(store).auditKey;
  // An act done with an API token names the token (docs/api.md), whichever service records it.
  const via = input.actor.kind === 'agent' ? requestFacts()?.apiToken : undefined;
  const detail = via ? { ...input.detail, apiToken: via.id } : input.detail;
  const base = {
    orgId: input.orgId,
    at: input.at ?? Date.now(),
    actorKind: input.actor.kind,
    actorId: input.actor.id,
    action: input.action,
    outcome: input.outcome,
    ip: input.ip ?? null,
    resourceType: input.resource?.type ?? null,
    resourceId: input.resource?.id ?? null,
    detail: canonicalDetail(detail),
  };
  const channels = siemChannelsOf(store);
  const entry = await store.audit.append(
    base,
    (prevHash, seq, id) => entryHash({ ...base, seq, id, prevHash }, key),
    channels,
    tx,
  );
  if (channels.length > 0) {
    if (tx) tx.afterCommit(() => wakeSiem(store));
    else wakeSiem(store);
  }
  return entry;
}

export function list(store: Store, orgId: string, filter: AuditFilter): Promise<AuditEntry[]> {
  return store.audit.list(orgId, filter);
}
