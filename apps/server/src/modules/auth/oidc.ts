import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { ParleyError, type Role } from '@parley/protocol';
import type { AgentRow, OrgIdentityRow, Store } from '../../store';
import { randomToken } from '../../lib/tokens';
import { audit } from '../audit';
import { ipAllowed, keyringOf, open, seal, type SecurityEvents } from '../security';
import { hashPassword } from './password';
import { mfaRequired } from './policy';
import type { AgentContext, AuthService } from './service';

/** A started SSO sign-in must come back within this time. */
export const OIDC_FLOW_MS = 10 * 60_000;
const DISCOVERY_TTL_MS = 10 * 60_000;
const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

export const ssoSecretContext = (orgId: string) => `org_identity.client_secret:${orgId}`;
const verifierContext = (state: string) => `oidc_flows.code_verifier:${state}`;

export type OidcService = ReturnType<typeof createOidcService>;

/** The role a user's claim maps to: the highest mapped value, else the default. */
export function mapRole(settings: OrgIdentityRow['sso'], claims: Record<string, unknown>): Role {
  if (!settings.roleClaim) return settings.defaultRole;
  const raw = claims[settings.roleClaim];
  const values = (Array.isArray(raw) ? raw : [raw]).filter(
    (v): v is string => typeof v === 'string',
  );
  const rank: Role[] = ['admin', 'supervisor', 'agent'];
  const mapped = values.map((v) => settings.roleMap[v]).filter((r): r is Role => r !== undefined);
  return rank.find((r) => mapped.includes(r)) ?? settings.defaultRole;
}

/** Whether the IdP's `amr`/`acr` satisfy the organisation's MFA policy (only when configured). */
export function idpMfaSatisfied(
  settings: OrgIdentityRow['sso'],
  claims: Record<string, unknown>,
): boolean {
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((v) => typeof v === 'string') : [];
  const acr = typeof claims.acr === 'string' ? claims.acr : undefined;
  return (
    amr.some((v) => settings.mfaAmr.includes(v)) ||
    (acr !== undefined && settings.mfaAcr.includes(acr))
  );
}

/**
 * Single sign-on with OpenID Connect (issue 10 item 13): per-organisation
 * issuer and client, authorization code flow with PKCE, state and nonce (each
 * single-use, kept in the store so any node can finish a flow another began),
 * role mapping from a claim, just-in-time provisioning, the organisation's MFA
 * policy satisfied by the IdP's amr/acr when configured, and back-channel
 * logout that ends the matching sessions on every node.
 */
export function createOidcService(deps: {
  store: Store;
  auth: AuthService;
  events: SecurityEvents;
  /** The server's public base URL (redirect and logout URIs are derived from it). */
  baseUrl(): string;
  /** Allow http:// issuers (tests and closed networks only: PARLEY_OIDC_ALLOW_HTTP). */
  allowHttp: boolean;
  timeoutSeconds?: number;
}) {
  const { store, auth, events } = deps;
  const cache = new Map<string, { at: number; key: string; config: client.Configuration }>();
  const jwks = new Map<string, { uri: string; get: JWTVerifyGetKey }>();

  const redirectUri = () => `${deps.baseUrl()}/api/auth/sso/callback`;
  const logoutUri = (orgId: string) => `${deps.baseUrl()}/api/auth/sso/backchannel-logout/${orgId}`;

  async function configFor(
    orgId: string,
  ): Promise<{ config: client.Configuration; settings: OrgIdentityRow }> {
    const settings = await store.identity.settings(orgId);
    const sso = settings.sso;
    if (!sso.enabled || !sso.issuer || !sso.clientId) throw new ParleyError('sso_not_configured');
    const key = `${sso.issuer}|${sso.clientId}|${settings.updatedAt}`;
    const hit = cache.get(orgId);
    if (hit && hit.key === key && Date.now() - hit.at < DISCOVERY_TTL_MS)
      return { config: hit.config, settings };
    const secret = sso.clientSecret
      ? open(keyringOf(store), sso.clientSecret, ssoSecretContext(orgId))
      : undefined;
    let config: client.Configuration;
    try {
      config = await client.discovery(new URL(sso.issuer), sso.clientId, secret, undefined, {
        timeout: deps.timeoutSeconds ?? 10,
        ...(deps.allowHttp ? { execute: [client.allowInsecureRequests] } : {}),
      });
    } catch {
      throw new ParleyError('sso_failed', 'The identity provider could not be reached.');
    }
    cache.set(orgId, { at: Date.now(), key, config });
    return { config, settings };
  }

  async function findOrProvision(
    settings: OrgIdentityRow,
    issuer: string,
    claims: Record<string, unknown>,
    ip: string,
  ): Promise<AgentRow> {
    const orgId = settings.orgId;
    const sub = String(claims.sub);
    const linked = await store.identity.agentBySubject(orgId, issuer, sub);
    let agent = linked ? await store.agents.byId(orgId, linked) : undefined;
    const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : undefined;
    const role = mapRole(settings.sso, claims);
    if (!agent && email && claims.email_verified === true) {
      // An existing account of THIS organisation with the IdP-verified address is linked once.
      const byEmail = await store.agents.byEmail(email);
      if (byEmail && byEmail.orgId === orgId) {
        agent = byEmail;
        await store.identity.linkSubject(orgId, issuer, sub, agent.id);
        await audit.record(store, {
          orgId,
          actor: { kind: 'system', id: null },
          action: 'sso.link',
          outcome: 'success',
          ip,
          resource: { type: 'agent', id: agent.id },
        });
      }
    }
    if (!agent) {
      if (!settings.sso.jit || !email)
        throw new ParleyError('sso_failed', 'No Parley account for this user.');
      if (await store.agents.byEmail(email))
        throw new ParleyError('sso_failed', 'No Parley account for this user.');
      const name =
        typeof claims.name === 'string' && claims.name.trim()
          ? claims.name.trim().slice(0, 100)
          : email;
      // Just-in-time provisioning: a password nobody knows; the IdP is how this agent signs in.
      agent = await store.agents.create({
        orgId,
        email,
        name,
        role,
        passwordHash: await hashPassword(randomToken(32)),
      });
      await store.identity.linkSubject(orgId, issuer, sub, agent.id);
      await audit.record(store, {
        orgId,
        actor: { kind: 'system', id: null },
        action: 'agent.provision',
        outcome: 'success',
        ip,
        resource: { type: 'agent', id: agent.id },
        detail: { via: 'sso', role },
      });
      return agent;
    }
    // The IdP is the source of truth for the role when a role claim is configured.
    if (settings.sso.roleClaim && agent.role !== role) {
      const before = agent.role;
      agent = (await store.agents.update(orgId, agent.id, { role })) ?? agent;
      await audit.record(store, {
        orgId,
        actor: { kind: 'system', id: null },
        action: 'agent.role_change',
        outcome: 'success',
        ip,
        resource: { type: 'agent', id: agent.id },
        detail: { via: 'sso', from: before, to: role },
      });
    }
    return agent;
  }

  return {
    redirectUri,
    logoutUri,

    /** Begins a sign-in: the IdP's authorization URL (PKCE S256, state, nonce kept single-use). */
    async start(orgKey: string): Promise<string> {
      const org = await store.orgs.byKey(orgKey);
      if (!org) throw new ParleyError('sso_not_configured');
      const { config, settings } = await configFor(org.id);
      const state = client.randomState();
      const nonce = client.randomNonce();
      const verifier = client.randomPKCECodeVerifier();
      await store.identity.createFlow({
        state,
        orgId: org.id,
        codeVerifier: seal(keyringOf(store), verifier, verifierContext(state)),
        nonce,
        expiresAt: Date.now() + OIDC_FLOW_MS,
      });
      return client
        .buildAuthorizationUrl(config, {
          redirect_uri: redirectUri(),
          scope: settings.sso.scopes,
          response_type: 'code',
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          nonce,
        })
        .toString();
    },

    /** Finishes a sign-in from the IdP's redirect; returns a new session. */
    async callback(
      query: URLSearchParams,
      ip: string,
    ): Promise<{ token: string; context: AgentContext }> {
      const state = query.get('state') ?? '';
      const flow = state ? await store.identity.spendFlow(state, Date.now()) : undefined;
      const fail = async (orgId: string, reason: string) => {
        await audit.record(store, {
          orgId,
          actor: { kind: 'anonymous', id: null },
          action: 'auth.sign_in',
          outcome: 'failure',
          ip,
          detail: { method: 'sso', reason },
        });
      };
      if (!flow) {
        await fail('', 'state');
        throw new ParleyError('sso_failed');
      }
      const { config, settings } = await configFor(flow.orgId);
      const current = new URL(redirectUri());
      current.search = query.toString();
      let claims: Record<string, unknown>;
      try {
        const tokens = await client.authorizationCodeGrant(config, current, {
          pkceCodeVerifier: open(keyringOf(store), flow.codeVerifier, verifierContext(state)),
          expectedState: state,
          expectedNonce: flow.nonce,
          idTokenExpected: true,
        });
        claims = { ...(tokens.claims() ?? {}) };
      } catch {
        await fail(flow.orgId, 'token');
        throw new ParleyError('sso_failed');
      }
      const issuer = config.serverMetadata().issuer;
      let agent: AgentRow;
      try {
        agent = await findOrProvision(settings, issuer, claims, ip);
      } catch (err) {
        await fail(flow.orgId, 'no_account');
        throw err;
      }
      if (!agent.active) {
        await fail(flow.orgId, 'inactive');
        throw new ParleyError('sso_failed');
      }
      const sec = await store.security.settings(agent.orgId);
      // The allowlist applies to every way in (issue 10 finding 4).
      if (!ipAllowed(sec.ipAllowlist, ip)) {
        await fail(agent.orgId, 'ip_not_allowed');
        await events.emit(agent.orgId, 'ip_blocked', {
          agentId: agent.id,
          ip,
          detail: { at: 'sso' },
        });
        throw new ParleyError('ip_not_allowed');
      }
      const now = Date.now();
      const idpMfa = idpMfaSatisfied(settings.sso, claims);
      const started = await auth.startSession(agent, ip, {
        passwordAt: now,
        ...(idpMfa ? { factorAt: now, mfaAt: now } : {}),
      });
      await store.identity.setSessionIdentity(agent.orgId, started.context.session.tokenHash, {
        method: 'oidc',
        oidcIssuer: issuer,
        oidcSubject: String(claims.sub),
        ...(typeof claims.sid === 'string' ? { oidcSid: claims.sid } : {}),
      });
      await audit.record(store, {
        orgId: agent.orgId,
        actor: { kind: 'agent', id: agent.id },
        action: 'auth.sign_in',
        outcome: 'success',
        ip,
        detail: {
          method: 'sso',
          idpMfa,
          mfaRequired: mfaRequired(sec.mfaPolicy, agent.role),
          stage: started.context.stage,
        },
      });
      return started;
    },

    /**
     * OpenID Connect Back-Channel Logout 1.0: a logout token signed by the
     * organisation's IdP ends every session of that IdP session (`sid`) or
     * user (`sub`), on every node. Returns how many sessions ended.
     */
    async backchannelLogout(orgId: string, logoutToken: string, ip: string): Promise<number> {
      const { config, settings } = await configFor(orgId);
      const meta = config.serverMetadata();
      if (!meta.jwks_uri) throw new ParleyError('bad_request');
      let keys = jwks.get(orgId);
      if (!keys || keys.uri !== meta.jwks_uri) {
        keys = {
          uri: meta.jwks_uri,
          get: createRemoteJWKSet(new URL(meta.jwks_uri), { timeoutDuration: 5000 }),
        };
        jwks.set(orgId, keys);
      }
      let payload;
      try {
        ({ payload } = await jwtVerify(logoutToken, keys.get, {
          issuer: meta.issuer,
          audience: settings.sso.clientId ?? '',
          maxTokenAge: '5m',
        }));
      } catch {
        await audit.record(store, {
          orgId,
          actor: { kind: 'anonymous', id: null },
          action: 'auth.backchannel_logout',
          outcome: 'failure',
          ip,
          detail: { reason: 'invalid_token' },
        });
        throw new ParleyError('bad_request', 'The logout token is not valid.');
      }
      const eventsClaim = payload.events as Record<string, unknown> | undefined;
      const sub = typeof payload.sub === 'string' ? payload.sub : undefined;
      const sid = typeof payload.sid === 'string' ? payload.sid : undefined;
      if (
        !eventsClaim ||
        typeof eventsClaim !== 'object' ||
        !(BACKCHANNEL_EVENT in eventsClaim) ||
        'nonce' in payload ||
        (sub === undefined && sid === undefined)
      )
        throw new ParleyError('bad_request', 'The logout token is not valid.');
      const now = Date.now();
      const hashes = await store.identity.oidcSessions(orgId, meta.issuer, { sub, sid }, now);
      await store.security.revokeSessions(orgId, hashes, now);
      await audit.record(store, {
        orgId,
        actor: { kind: 'system', id: null },
        action: 'auth.backchannel_logout',
        outcome: 'success',
        ip,
        detail: { sessions: hashes.length },
      });
      await auth.publishRevoked(hashes);
      return hashes.length;
    },
  };
}
