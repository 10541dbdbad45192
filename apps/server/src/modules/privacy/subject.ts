import { ParleyError, type DataSubjectLookup, type ErasurePreview } from '@parley/protocol';
import type { Store } from '../../store';
import { keyringOf, open } from '../security';
import { identityDetailsContext } from '../visitor-identity';

/** How many verified identities an e-mail or subject lookup reads at most (law 8: a bound). */
const IDENTITY_SCAN = 20_000;

export interface VerifiedDetails {
  sub: string;
  email: string | null;
  name: string | null;
  verifiedAt: number;
}

/** The verified identity the website signed for this visitor, opened; undefined when none. */
export async function verifiedDetails(
  store: Store,
  orgId: string,
  visitorId: string,
): Promise<VerifiedDetails | undefined> {
  const row = await store.visitorIdentity.byVisitor(orgId, visitorId);
  if (!row) return undefined;
  const d = JSON.parse(
    open(keyringOf(store), row.details, identityDetailsContext(visitorId)),
  ) as Partial<VerifiedDetails>;
  return {
    sub: d.sub ?? '',
    email: d.email ?? null,
    name: d.name ?? null,
    verifiedAt: row.verifiedAt,
  };
}

/**
 * The visitors a request is about (issue 12 items 5, 6): by visitor id, by a conversation of
 * theirs, or by the verified identity the website signed (its subject or e-mail; these are sealed,
 * so each of the organisation's verified identities is opened and compared). Throws
 * data_subject_not_found when nobody matches.
 */
export async function resolveSubject(
  store: Store,
  orgId: string,
  lookup: DataSubjectLookup,
): Promise<string[]> {
  let ids: string[] = [];
  if ('visitorId' in lookup) {
    const v = await store.visitors.byId(orgId, lookup.visitorId);
    if (v) ids = [v.id];
  } else if ('conversationId' in lookup) {
    const c = await store.conversations.byId(orgId, lookup.conversationId);
    if (c) ids = [c.visitorId];
  } else {
    const rows = await store.db
      .selectFrom('visitor_identities')
      .select('visitor_id')
      .where('org_id', '=', orgId)
      .limit(IDENTITY_SCAN)
      .execute();
    for (const r of rows) {
      const d = await verifiedDetails(store, orgId, r.visitor_id);
      if (!d) continue;
      const hit =
        'email' in lookup ? d.email?.toLowerCase() === lookup.email : d.sub === lookup.subject;
      if (hit) ids.push(r.visitor_id);
    }
  }
  if (ids.length === 0) throw new ParleyError('data_subject_not_found');
  return ids;
}

/** What an erasure of these visitors would remove: the confirmation names it. */
export async function previewErasure(
  store: Store,
  orgId: string,
  visitorIds: string[],
): Promise<ErasurePreview> {
  const preview: ErasurePreview = {
    visitors: [],
    conversations: 0,
    messages: 0,
    files: 0,
    payments: 0,
    consents: 0,
  };
  for (const id of visitorIds) {
    const v = await store.visitors.byId(orgId, id);
    if (!v) continue;
    const verified = await store.visitorIdentity.byVisitor(orgId, id);
    preview.visitors.push({
      id,
      name: v.name,
      verified: verified !== undefined,
      createdAt: v.createdAt,
    });
    const convs = await store.conversations.listForVisitor(orgId, id);
    preview.conversations += convs.length;
    for (const c of convs) {
      const count = await store.db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('org_id', '=', orgId)
        .where('conversation_id', '=', c.id)
        .executeTakeFirst();
      preview.messages += Number(count?.n ?? 0);
      preview.files += (await store.files.listForConversation(orgId, c.id)).length;
      preview.payments += (await store.payments.listForConversation(orgId, c.id)).length;
    }
    preview.consents += (await store.consent.forVisitor(orgId, id)).length;
  }
  return preview;
}
