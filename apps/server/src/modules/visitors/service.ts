import { ParleyError } from '@parley/protocol';
import type { Organisation, Store, VisitorRow } from '../../store';
import { randomToken, sha256Hex } from '../../lib/tokens';
import type { VerifiedIdentity, VisitorIdentityService } from '../visitor-identity';

/** The blocks a visitor must pass (modules/blocks), kept as an interface so visitors need not know how. */
export interface VisitorGate {
  assertAllowed(
    orgId: string,
    who: {
      visitorId?: string | undefined;
      ip?: string | null | undefined;
      subjectHash?: string | undefined;
    },
    where: string,
  ): Promise<void>;
  seen(orgId: string, visitorId: string, ip: string | null | undefined): Promise<void>;
}

export interface VisitorContext {
  visitor: VisitorRow;
  organisation: Organisation;
  /** The host website vouched for this visitor with a signed identity token (issue 11 item 1). */
  verified: boolean;
  /** SHA-256 of the token the visitor presented (its session). */
  tokenHash: string;
}

export interface SessionInput {
  orgKey: string;
  name: string | null;
  /** A host-signed identity token (docs/widget.md "Verified visitors"). */
  identity?: string | undefined;
  ip: string | null;
}

export interface VisitorService {
  /**
   * Issues a visitor token (256-bit random; only its SHA-256 is stored). With a
   * valid identity token the session belongs to the verified customer: the same
   * visitor (and conversations) on every device. `maskName` masks names first.
   */
  createSession(
    input: SessionInput,
    maskName: (name: string, orgId: string) => Promise<string>,
  ): Promise<{ token: string; visitor: VisitorRow; verified: boolean }>;
  /**
   * The visitor behind a token; undefined for an unknown, expired or revoked
   * one. Throws identity_required for an unverified visitor when the
   * organisation requires verification, and checks `identity` (a token the
   * widget passes on socket auth) against the visitor's bound identity.
   */
  authenticate(
    token: string | undefined,
    opts?: {
      identity?: string | undefined;
      ip?: string | null;
      maskName?: (name: string, orgId: string) => Promise<string>;
    },
  ): Promise<VisitorContext | undefined>;
}

/**
 * `closedTokenHours`: a token dies this long after the visitor's conversations
 * have all closed (issue 10 finding 11), not 30 days later.
 */
export function createVisitorService(
  store: Store,
  opts: {
    tokenDays: number;
    closedTokenHours?: number;
    identity: VisitorIdentityService;
    /** Blocked visitors, addresses and identities (issue 11 item 4). */
    gate?: VisitorGate;
    /** Every session asked for, before any check (session bursts, issue 11 item 5). */
    onSession?: (orgId: string) => void;
  },
): VisitorService {
  const gate = opts.gate;
  const closedMs = (opts.closedTokenHours ?? 24) * 3_600_000;
  const identity = opts.identity;

  const masked = async (
    id: VerifiedIdentity,
    orgId: string,
    maskName: ((name: string, orgId: string) => Promise<string>) | undefined,
  ): Promise<VerifiedIdentity> => ({
    ...id,
    name: id.name === null || !maskName ? null : await maskName(id.name, orgId),
  });

  return {
    async createSession(input, maskName) {
      const org = await store.orgs.byKey(input.orgKey);
      if (!org) throw new ParleyError('organisation_not_found');
      opts.onSession?.(org.id);
      // A blocked address gets nothing, not even an identity check (no oracle for tokens).
      await gate?.assertAllowed(org.id, { ip: input.ip }, 'session');
      const settings = await identity.settingsOf(org);
      const token = randomToken(32);
      const tokenHash = sha256Hex(token);
      const expiresAt = Date.now() + opts.tokenDays * 86_400_000;
      let verified: VerifiedIdentity | undefined;
      if (input.identity !== undefined && settings.mode !== 'off') {
        verified = await masked(
          await identity.verify(org, input.identity, input.ip),
          org.id,
          maskName,
        );
        await identity.consume(org, verified, tokenHash, input.ip);
      }
      if (!verified && settings.mode === 'required') throw new ParleyError('identity_required');
      if (verified) {
        const existingId = await identity.visitorOf(org.id, verified);
        await gate?.assertAllowed(
          org.id,
          {
            ip: input.ip,
            subjectHash: identity.subjectHash(org.id, verified.sub),
            visitorId: existingId,
          },
          'session',
        );
        const existing = existingId && (await store.visitors.byId(org.id, existingId));
        if (existing && existing.revokedAt === null) {
          // The same customer on another device: one more token for the same visitor.
          await store.visitorIdentity.addToken({
            tokenHash,
            orgId: org.id,
            visitorId: existing.id,
            expiresAt,
          });
          await identity.bind(org, existing.id, verified, input.ip);
          await gate?.seen(org.id, existing.id, input.ip);
          return { token, visitor: existing, verified: true };
        }
      }
      const name = verified?.name ?? input.name;
      const visitor = await store.visitors.create({
        orgId: org.id,
        name: name === null ? null : verified?.name === name ? name : await maskName(name, org.id),
        tokenHash,
        expiresAt,
      });
      if (verified) await identity.bind(org, visitor.id, verified, input.ip);
      await gate?.seen(org.id, visitor.id, input.ip);
      return { token, visitor, verified: verified !== undefined };
    },

    async authenticate(token, authOpts) {
      if (!token || token.length < 16 || token.length > 256) return undefined;
      const tokenHash = sha256Hex(token);
      const now = Date.now();
      let visitor = await store.visitors.byTokenHash(tokenHash);
      if (!visitor) {
        const extra = await store.visitorIdentity.visitorOfToken(tokenHash, now);
        if (extra) visitor = await store.visitors.byId(extra.orgId, extra.visitorId);
      }
      if (!visitor || visitor.revokedAt !== null || visitor.expiresAt <= now) return undefined;
      const state = await store.visitors.conversationState(visitor.orgId, visitor.id);
      if (state.open === 0 && state.lastClosedAt !== null && now - state.lastClosedAt >= closedMs)
        return undefined;
      const organisation = await store.orgs.byId(visitor.orgId);
      if (!organisation) return undefined;
      const ip = authOpts?.ip ?? null;
      await gate?.assertAllowed(organisation.id, { visitorId: visitor.id, ip }, 'token');
      await gate?.seen(organisation.id, visitor.id, ip);
      let verified = await identity.isVerified(organisation.id, visitor.id);
      const settings = await identity.settingsOf(organisation);
      if (authOpts?.identity !== undefined && settings.mode !== 'off') {
        const id = await identity.verify(organisation, authOpts.identity, ip);
        // Mismatch before use: the widget may still start the right session with this token.
        await identity.bind(
          organisation,
          visitor.id,
          await masked(id, organisation.id, authOpts.maskName),
          ip,
        );
        await identity.consume(organisation, id, tokenHash, ip);
        verified = true;
      }
      if (!verified && settings.mode === 'required') throw new ParleyError('identity_required');
      return { visitor, organisation, verified, tokenHash };
    },
  };
}
