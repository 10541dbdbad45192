import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { ParleyError, type Passkey } from '@parley/protocol';
import type { PasskeyRow, Store } from '../../store';
import { audit } from '../audit';
import { ipAllowed, keyringOf, seal, type SecurityEvents } from '../security';
import type { Attempts } from './attempts';
import {
  PASSKEY_CHALLENGE_MS,
  passkeyCeremony,
  sealContext,
  toB64,
  type RelyingParty,
} from './passkey-ceremony';
import { mfaRequired } from './policy';
import type { AgentContext, AuthService } from './service';

export { PASSKEY_CHALLENGE_MS, type RelyingParty };

export function presentPasskey(p: PasskeyRow): Passkey {
  return {
    id: p.id,
    name: p.name,
    createdAt: p.createdAt,
    lastUsedAt: p.lastUsedAt,
    backedUp: p.backedUp,
  };
}

export type PasskeyService = ReturnType<typeof createPasskeyService>;

/**
 * Passkeys (WebAuthn, issue 10 item 12): registered as a second factor and
 * usable alone as a passwordless, phishing-resistant sign-in (discoverable
 * credentials with user verification: possession and a PIN or biometric, bound
 * to Parley's origin by the browser). Challenges are single-use and expire;
 * public keys are sealed at rest; a signature counter that fails to grow means
 * a cloned authenticator and is refused; every attempt is counted before it is
 * checked like the other factors (attempts.ts).
 */
export function createPasskeyService(deps: {
  store: Store;
  auth: AuthService;
  events: SecurityEvents;
  attempts: Attempts;
  requireStepUp(ctx: AgentContext): Promise<void>;
  rpName?: string;
}) {
  const { store, auth, events, attempts } = deps;
  const rpName = deps.rpName ?? 'Parley';
  const who = (agentId: string) => ({ kind: 'agent' as const, id: agentId });

  const { challenge, failure, checkAssertion } = passkeyCeremony({ store, events, attempts });

  async function markPasskey(
    ctx: AgentContext | { orgId: string; tokenHash: string },
    now: number,
  ) {
    const orgId = 'agent' in ctx ? ctx.agent.orgId : ctx.orgId;
    const tokenHash = 'agent' in ctx ? ctx.session.tokenHash : ctx.tokenHash;
    await store.identity.setSessionIdentity(orgId, tokenHash, { passkeyAt: now });
  }

  return {
    async list(ctx: AgentContext): Promise<Passkey[]> {
      return (await store.identity.passkeys(ctx.agent.orgId, ctx.agent.id)).map(presentPasskey);
    },

    /** Options for registering a new passkey (a factor change: step-up). */
    async registrationOptions(ctx: AgentContext, rp: RelyingParty) {
      if (ctx.stage !== 'ok' && ctx.stage !== 'mfa_enrol') throw new ParleyError('mfa_required');
      await deps.requireStepUp(ctx);
      const existing = await store.identity.passkeys(ctx.agent.orgId, ctx.agent.id);
      const options = await generateRegistrationOptions({
        rpName,
        rpID: rp.rpId,
        userName: ctx.agent.email,
        userDisplayName: ctx.agent.name,
        userID: new TextEncoder().encode(ctx.agent.id),
        attestationType: 'none',
        excludeCredentials: existing.map((p) => ({
          id: p.credentialId,
          transports: p.transports,
        })),
        // Discoverable and verified: the same passkey signs in without a password.
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
        timeout: PASSKEY_CHALLENGE_MS,
      });
      const challengeId = await challenge(
        ctx.agent.orgId,
        ctx.agent.id,
        'register',
        options.challenge,
      );
      return { challengeId, options };
    },

    async register(
      ctx: AgentContext,
      rp: RelyingParty,
      body: { challengeId: string; name: string; response: RegistrationResponseJSON },
      ip: string,
    ): Promise<Passkey> {
      if (ctx.stage !== 'ok' && ctx.stage !== 'mfa_enrol') throw new ParleyError('mfa_required');
      await deps.requireStepUp(ctx);
      const spent = await store.identity.spendChallenge(body.challengeId, 'register', Date.now());
      if (!spent || spent.agentId !== ctx.agent.id) {
        await failure(ctx.agent.orgId, ctx.agent.id, ip, 'passkey.register', 'challenge');
        throw new ParleyError('passkey_failed');
      }
      let info;
      try {
        const r = await verifyRegistrationResponse({
          response: body.response,
          expectedChallenge: spent.challenge,
          expectedOrigin: rp.origin,
          expectedRPID: rp.rpId,
          requireUserVerification: true,
        });
        info = r.verified ? r.registrationInfo : undefined;
      } catch {
        info = undefined;
      }
      if (!info || (await store.identity.passkeyByCredentialId(info.credential.id))) {
        await failure(ctx.agent.orgId, ctx.agent.id, ip, 'passkey.register', 'invalid');
        throw new ParleyError('passkey_failed');
      }
      const now = Date.now();
      const row = await store.identity.addPasskey({
        orgId: ctx.agent.orgId,
        agentId: ctx.agent.id,
        credentialId: info.credential.id,
        publicKey: seal(
          keyringOf(store),
          toB64(info.credential.publicKey),
          sealContext(info.credential.id),
        ),
        counter: info.credential.counter,
        transports: info.credential.transports ?? [],
        name: body.name,
        backedUp: info.credentialBackedUp,
        createdAt: now,
      });
      // The ceremony just proved the new passkey (user verification) in this session.
      await store.security.proveSession(ctx.agent.orgId, ctx.session.tokenHash, { factorAt: now });
      await store.security.markSessionMfa(ctx.agent.orgId, ctx.session.tokenHash, now);
      await markPasskey(ctx, now);
      await audit.record(store, {
        orgId: ctx.agent.orgId,
        actor: who(ctx.agent.id),
        action: 'passkey.register',
        outcome: 'success',
        ip,
        resource: { type: 'passkey', id: row.id },
        detail: { name: body.name, backedUp: row.backedUp },
      });
      return presentPasskey(row);
    },

    /** Removes one of one's own passkeys (step-up); not the last factor the organisation requires. */
    async remove(ctx: AgentContext, id: string, ip: string): Promise<void> {
      await deps.requireStepUp(ctx);
      const mine = await store.identity.passkeys(ctx.agent.orgId, ctx.agent.id);
      if (!mine.some((p) => p.id === id)) throw new ParleyError('not_found');
      const [mfa, settings] = await Promise.all([
        store.security.mfa(ctx.agent.orgId, ctx.agent.id),
        store.security.settings(ctx.agent.orgId),
      ]);
      if (
        mine.length === 1 &&
        !mfa?.totpSecret &&
        mfaRequired(settings.mfaPolicy, ctx.agent.role)
      ) {
        await failure(ctx.agent.orgId, ctx.agent.id, ip, 'passkey.remove', 'last_required_factor');
        throw new ParleyError(
          'forbidden',
          'Your organisation requires a second factor: add another first.',
        );
      }
      await store.identity.removePasskey(ctx.agent.orgId, ctx.agent.id, id);
      await audit.record(store, {
        orgId: ctx.agent.orgId,
        actor: who(ctx.agent.id),
        action: 'passkey.remove',
        outcome: 'success',
        ip,
        resource: { type: 'passkey', id },
      });
    },

    /** Options for a passwordless sign-in: any discoverable passkey of this site. */
    async signInOptions(rp: RelyingParty) {
      const options = await generateAuthenticationOptions({
        rpID: rp.rpId,
        userVerification: 'required',
        timeout: PASSKEY_CHALLENGE_MS,
      });
      return { challengeId: await challenge('', null, 'sign_in', options.challenge), options };
    },

    /** Passwordless sign-in: the passkey alone, verified, opens a finished session. */
    async signIn(
      rp: RelyingParty,
      body: { challengeId: string; response: AuthenticationResponseJSON },
      ip: string,
    ) {
      const { agent } = await checkAssertion(
        rp,
        body.challengeId,
        body.response,
        'sign_in',
        ip,
        'auth.sign_in',
      );
      const settings = await store.security.settings(agent.orgId);
      if (!ipAllowed(settings.ipAllowlist, ip)) {
        await failure(agent.orgId, agent.id, ip, 'auth.sign_in', 'ip_not_allowed');
        await events.emit(agent.orgId, 'ip_blocked', {
          agentId: agent.id,
          ip,
          detail: { at: 'sign_in' },
        });
        throw new ParleyError('ip_not_allowed');
      }
      const now = Date.now();
      // A verified passkey is possession plus a PIN or biometric: both proofs at once.
      const started = await auth.startSession(agent, ip, {
        passwordAt: now,
        factorAt: now,
        mfaAt: now,
      });
      await store.identity.setSessionIdentity(agent.orgId, started.context.session.tokenHash, {
        method: 'passkey',
        passkeyAt: now,
      });
      await audit.record(store, {
        orgId: agent.orgId,
        actor: who(agent.id),
        action: 'auth.sign_in',
        outcome: 'success',
        ip,
        detail: { method: 'passkey', stage: started.context.stage },
      });
      return started;
    },

    /** Options for proving one of the signed-in agent's own passkeys (second factor, step-up). */
    async assertionOptions(ctx: AgentContext, rp: RelyingParty) {
      const mine = await store.identity.passkeys(ctx.agent.orgId, ctx.agent.id);
      if (mine.length === 0) throw new ParleyError('conflict', 'No passkey is registered.');
      const options = await generateAuthenticationOptions({
        rpID: rp.rpId,
        userVerification: 'required',
        allowCredentials: mine.map((p) => ({
          id: p.credentialId,
          transports: p.transports as never,
        })),
        timeout: PASSKEY_CHALLENGE_MS,
      });
      const challengeId = await challenge(
        ctx.agent.orgId,
        ctx.agent.id,
        'verify',
        options.challenge,
      );
      return { challengeId, options };
    },

    /**
     * The second step of a password sign-in, or a step-up: one of the agent's
     * own passkeys. As a step-up it proves both factors (user verification).
     */
    async verify(
      ctx: AgentContext,
      rp: RelyingParty,
      body: { challengeId: string; response: AuthenticationResponseJSON },
      ip: string,
    ): Promise<void> {
      const action = ctx.stage === 'mfa_verify' ? 'auth.mfa_verify' : 'auth.step_up';
      await checkAssertion(rp, body.challengeId, body.response, 'verify', ip, action, ctx.agent);
      const now = Date.now();
      await store.security.markSessionMfa(ctx.agent.orgId, ctx.session.tokenHash, now);
      await store.security.proveSession(ctx.agent.orgId, ctx.session.tokenHash, {
        factorAt: now,
        ...(action === 'auth.step_up' ? { passwordAt: now } : {}),
      });
      await markPasskey(ctx, now);
      await audit.record(store, {
        orgId: ctx.agent.orgId,
        actor: who(ctx.agent.id),
        action,
        outcome: 'success',
        ip,
        detail: { method: 'passkey' },
      });
    },

    /**
     * The organisation's rule "phishing-resistant factor for admins": an admin
     * action needs a session that proved a passkey (at sign-in, as the second
     * factor, by step-up or by registering one). True when the action may go on.
     */
    async phishingResistantOk(ctx: AgentContext): Promise<boolean> {
      if (ctx.agent.role !== 'admin') return true;
      const settings = await store.identity.settings(ctx.agent.orgId);
      if (!settings.requirePasskeyForAdmins) return true;
      const identity = await store.identity.sessionIdentity(ctx.session.tokenHash);
      return identity?.passkeyAt != null;
    },
  };
}
