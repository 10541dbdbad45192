import { createHmac, type KeyObject } from 'node:crypto';
import { ParleyError } from '@parley/protocol';
import type {
  Organisation,
  OrgVisitorIdentityRow,
  Store,
  VisitorIdentityAlgorithm,
  VisitorIdentityMode,
} from '../../store';
import { randomToken } from '../../lib/tokens';
import { audit } from '../audit';
import { can, type AgentContext } from '../auth';
import { derivedKey, keyringOf, open, seal, type SecurityEvents, type Signals } from '../security';
import {
  IdentityRefusal,
  parsePublicKey,
  verifyIdentityToken,
  type VerifiedIdentity,
} from './verify';

export interface IdentitySettingsPatch {
  mode: VisitorIdentityMode;
  algorithm: VisitorIdentityAlgorithm;
  publicKey?: string | undefined;
  issuer: string;
  audience?: string | undefined;
}

export interface VisitorIdentityDetails {
  sub: string;
  email: string | null;
  name: string | null;
  verifiedAt: number;
}

const secretCtx = (orgId: string) => `org_visitor_identity.secret:${orgId}`;
/** The authenticated context of a visitor's sealed identity details (also read by privacy exports). */
export const detailsCtx = (visitorId: string) => `visitor_identities.details:${visitorId}`;

/** The organisation's settings when none were saved: verification off. */
export function defaultIdentitySettings(org: Organisation): OrgVisitorIdentityRow {
  return {
    orgId: org.id,
    mode: 'off',
    algorithm: 'HS256',
    secret: null,
    publicKey: null,
    issuer: '',
    audience: org.key,
    updatedAt: 0,
  };
}

/**
 * Verified visitors (issue 11 item 1): the organisation's identity-token
 * settings, verification of host-signed tokens with replay checks, and the
 * identity bound to a visitor. Every refused token is a security event.
 */
export function createVisitorIdentityService(deps: {
  store: Store;
  events: SecurityEvents;
  /** Aggregates refusals per source (issue 11 item 5); without it each refusal is its own event. */
  signals?: Signals;
}) {
  const { store } = deps;
  // Parsed keys by org and settings version: a PEM is parsed once, not per socket.
  const keys = new Map<string, { version: number; key: Uint8Array | KeyObject }>();

  const assertManage = (ctx: AgentContext) => {
    if (!can(ctx.actor, 'settings:manage', { orgId: ctx.organisation.id }))
      throw new ParleyError('forbidden');
  };

  async function settingsOf(org: Organisation): Promise<OrgVisitorIdentityRow> {
    return (await store.visitorIdentity.settings(org.id)) ?? defaultIdentitySettings(org);
  }

  function keyOf(s: OrgVisitorIdentityRow): Uint8Array | KeyObject | undefined {
    const cached = keys.get(s.orgId);
    if (cached?.version === s.updatedAt) return cached.key;
    let key: Uint8Array | KeyObject | undefined;
    if (s.algorithm === 'HS256' && s.secret)
      key = new TextEncoder().encode(open(keyringOf(store), s.secret, secretCtx(s.orgId)));
    else if (s.algorithm !== 'HS256' && s.publicKey) key = parsePublicKey(s.publicKey, s.algorithm);
    if (!key) return undefined;
    if (keys.size > 1000) keys.clear();
    keys.set(s.orgId, { version: s.updatedAt, key });
    return key;
  }

  const subjectHash = (orgId: string, sub: string) =>
    createHmac('sha256', derivedKey(keyringOf(store), 'visitor-subject'))
      .update(`${orgId}\0${sub}`)
      .digest('base64url');

  async function refuse(org: Organisation, err: IdentityRefusal, ip: string | null) {
    const input = { ip, detail: { reason: err.reason, code: err.code } };
    // Anyone can send forged tokens: one event per source and reason a window, with the count.
    if (deps.signals)
      deps.signals.report(org.id, 'identity_forged', `${ip ?? '-'}|${err.reason}`, input);
    else await deps.events.emit(org.id, 'identity_forged', input);
    return err;
  }

  return {
    settingsOf,
    /** The keyed hash an identity is stored and blocked under (never the host's user id itself). */
    subjectHash,

    async getSettings(ctx: AgentContext): Promise<OrgVisitorIdentityRow> {
      assertManage(ctx);
      return settingsOf(ctx.organisation);
    },

    async updateSettings(
      ctx: AgentContext,
      patch: IdentitySettingsPatch,
      ip: string,
    ): Promise<OrgVisitorIdentityRow> {
      assertManage(ctx);
      const current = await settingsOf(ctx.organisation);
      const publicKey = patch.algorithm === 'HS256' ? null : (patch.publicKey ?? current.publicKey);
      if (patch.algorithm !== 'HS256' && publicKey) parsePublicKey(publicKey, patch.algorithm);
      const next: OrgVisitorIdentityRow = {
        orgId: ctx.organisation.id,
        mode: patch.mode,
        algorithm: patch.algorithm,
        secret: current.secret,
        publicKey,
        issuer: patch.issuer,
        audience: patch.audience ?? current.audience,
        updatedAt: Math.max(Date.now(), current.updatedAt + 1),
      };
      // Fail closed: verification cannot be switched on without a key to verify with.
      if (next.mode !== 'off' && !(next.algorithm === 'HS256' ? next.secret : next.publicKey))
        throw new ParleyError(
          'bad_request',
          next.algorithm === 'HS256'
            ? 'Generate a signing secret before turning verification on.'
            : 'Paste the public key before turning verification on.',
        );
      if (next.mode !== 'off' && !next.issuer)
        throw new ParleyError('bad_request', 'Set the issuer your website signs with.');
      await store.visitorIdentity.saveSettings(next);
      await audit.record(store, {
        orgId: next.orgId,
        actor: { kind: 'agent', id: ctx.agent.id },
        action: 'settings.visitor_identity',
        outcome: 'success',
        ip,
        resource: { type: 'organisation', id: next.orgId },
        detail: { mode: next.mode, algorithm: next.algorithm, issuer: next.issuer },
      });
      return next;
    },

    /** A new HS256 secret, returned once; the previous one stops working at once. */
    async rotateSecret(ctx: AgentContext, ip: string): Promise<{ secret: string }> {
      assertManage(ctx);
      const current = await settingsOf(ctx.organisation);
      const secret = randomToken(32);
      await store.visitorIdentity.saveSettings({
        ...current,
        algorithm: 'HS256',
        publicKey: null,
        secret: seal(keyringOf(store), secret, secretCtx(current.orgId)),
        updatedAt: Math.max(Date.now(), current.updatedAt + 1),
      });
      await audit.record(store, {
        orgId: current.orgId,
        actor: { kind: 'agent', id: ctx.agent.id },
        action: 'settings.visitor_identity_secret',
        outcome: 'success',
        ip,
        resource: { type: 'organisation', id: current.orgId },
      });
      return { secret };
    },

    /**
     * Verifies a token for `org` (signature, issuer, audience, lifetime).
     * Refusals throw a typed error and raise the security event `identity_forged`.
     */
    async verify(org: Organisation, token: string, ip: string | null): Promise<VerifiedIdentity> {
      const s = await settingsOf(org);
      const key = s.mode === 'off' ? undefined : keyOf(s);
      if (!key)
        throw await refuse(org, new IdentityRefusal('identity_invalid', 'not_configured'), ip);
      try {
        return await verifyIdentityToken(token, {
          algorithm: s.algorithm,
          key,
          issuer: s.issuer,
          audience: s.audience,
        });
      } catch (err) {
        if (err instanceof IdentityRefusal) throw await refuse(org, err, ip);
        throw err;
      }
    },

    /**
     * Records the token's `jti` for the session `sessionHash`: a token first
     * used by another session is a replay (identity_replayed, reported).
     */
    async consume(org: Organisation, id: VerifiedIdentity, sessionHash: string, ip: string | null) {
      const first = await store.visitorIdentity.useJti(org.id, id.jti, sessionHash, id.expiresAt);
      if (first !== sessionHash)
        throw await refuse(org, new IdentityRefusal('identity_replayed', 'replayed'), ip);
    },

    /** The visitor already bound to this identity's subject, if any. */
    async visitorOf(orgId: string, id: VerifiedIdentity): Promise<string | undefined> {
      return (await store.visitorIdentity.bySubject(orgId, subjectHash(orgId, id.sub)))?.visitorId;
    },

    /** Binds `id` to the visitor; identity_mismatch when the visitor or subject is bound otherwise. */
    async bind(org: Organisation, visitorId: string, id: VerifiedIdentity, ip: string | null) {
      const hash = subjectHash(org.id, id.sub);
      const existing = await store.visitorIdentity.byVisitor(org.id, visitorId);
      const ok =
        (!existing || existing.subjectHash === hash) &&
        (await store.visitorIdentity.bind({
          visitorId,
          orgId: org.id,
          subjectHash: hash,
          details: seal(
            keyringOf(store),
            JSON.stringify({ sub: id.sub, email: id.email, name: id.name }),
            detailsCtx(visitorId),
          ),
          verifiedAt: Date.now(),
        }));
      if (!ok) throw await refuse(org, new IdentityRefusal('identity_mismatch', 'mismatch'), ip);
    },

    async isVerified(orgId: string, visitorId: string): Promise<boolean> {
      return (await store.visitorIdentity.byVisitor(orgId, visitorId)) !== undefined;
    },

    /** What the host vouched for; only for agents of the organisation (the caller checks the policy). */
    async details(orgId: string, visitorId: string): Promise<VisitorIdentityDetails | undefined> {
      const row = await store.visitorIdentity.byVisitor(orgId, visitorId);
      if (!row) return undefined;
      const d = JSON.parse(open(keyringOf(store), row.details, detailsCtx(visitorId))) as {
        sub: string;
        email: string | null;
        name: string | null;
      };
      return { ...d, verifiedAt: row.verifiedAt };
    },
  };
}

export type VisitorIdentityService = ReturnType<typeof createVisitorIdentityService>;
