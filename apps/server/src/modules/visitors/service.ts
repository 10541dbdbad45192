import { ParleyError } from '@parley/protocol';
import type { Organisation, Store, VisitorRow } from '../../store';
import { randomToken, sha256Hex } from '../../lib/tokens';

export interface VisitorContext {
  visitor: VisitorRow;
  organisation: Organisation;
}

export interface VisitorService {
  /** Issues a new visitor with a 256-bit random token; only its SHA-256 is stored. */
  /** `maskName` masks the visitor's name with the organisation's rules before it is stored. */
  createSession(
    orgKey: string,
    name: string | null,
    maskName: (name: string, orgId: string) => Promise<string>,
  ): Promise<{ token: string; visitor: VisitorRow }>;
  /** The visitor behind a token; undefined for an unknown, expired or revoked one. */
  authenticate(token: string | undefined): Promise<VisitorContext | undefined>;
}

/**
 * `closedTokenHours`: a token dies this long after the visitor's conversations
 * have all closed (issue 10 finding 11), not 30 days later.
 */
export function createVisitorService(
  store: Store,
  opts: { tokenDays: number; closedTokenHours?: number },
): VisitorService {
  const closedMs = (opts.closedTokenHours ?? 24) * 3_600_000;
  return {
    async createSession(orgKey, name, maskName) {
      const org = await store.orgs.byKey(orgKey);
      if (!org) throw new ParleyError('organisation_not_found');
      const token = randomToken(32);
      const visitor = await store.visitors.create({
        orgId: org.id,
        name: name === null ? null : await maskName(name, org.id),
        tokenHash: sha256Hex(token),
        expiresAt: Date.now() + opts.tokenDays * 86_400_000,
      });
      return { token, visitor };
    },

    async authenticate(token) {
      if (!token || token.length < 16 || token.length > 256) return undefined;
      const visitor = await store.visitors.byTokenHash(sha256Hex(token));
      const now = Date.now();
      if (!visitor || visitor.revokedAt !== null || visitor.expiresAt <= now) return undefined;
      const state = await store.visitors.conversationState(visitor.orgId, visitor.id);
      if (state.open === 0 && state.lastClosedAt !== null && now - state.lastClosedAt >= closedMs)
        return undefined;
      const organisation = await store.orgs.byId(visitor.orgId);
      if (!organisation) return undefined;
      return { visitor, organisation };
    },
  };
}
