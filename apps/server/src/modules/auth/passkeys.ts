import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { ParleyError, type Passkey } from '@parley/protocol';
import type { AgentRow, PasskeyRow, Store } from '../../store';
import { audit } from '../audit';
import { ipAllowed, keyringOf, open, seal, type SecurityEvents } from '../security';
import { accountKey, type Attempts } from './attempts';
import { mfaRequired } from './policy';
import type { AgentContext, AuthService } from './service';

/** A WebAuthn challenge is good for one ceremony within this time. */
export const PASSKEY_CHALLENGE_MS = 5 * 60_000;

type Purpose = 'register' | 'sign_in' | 'verify';

/** Where the ceremony runs: the console's origin, which must be one of the server's own. */
export interface RelyingParty {
  origin: string;
  rpId: string;
}

const sealContext = (credentialId: string) => `passkeys.public_key:${credentialId}`;
const toB64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64url'));

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

  async function challenge(
    orgId: string,
    agentId: string | null,
    purpose: Purpose,
    value: string,
  ): Promise<string> {
    return store.identity.createChallenge({
      orgId,
      agentId,
      purpose,
      challenge: value,
      expiresAt: Date.now() + PASSKEY_CHALLENGE_MS,
    });
  }

  async function failure(
    orgId: string,
    agentId: string | null,
    ip: string,
    action: string,
    reason: string,
  ): Promise<void> {
    await audit.record(store, {
      orgId,
      actor: agentId ? who(agentId) : { kind: 'anonymous', id: null },
      action,
      outcome: 'failure',
      ip,
      detail: { reason, method: 'passkey' },
    });
  }

  /**
   * Checks an assertion against a stored credential, counted before it is
   * checked. Returns the credential on success; throws passkey_failed.
   */
  async function checkAssertion(
    rp: RelyingParty,
    challengeId: string,
    response: AuthenticationResponseJSON,
    purpose: Purpose,
    ip: string,
    action: string,
    expectAgent?: AgentRow,
  ): Promise<{ passkey: PasskeyRow; agent: AgentRow }> {
    const spent = await store.identity.spendChallenge(challengeId, purpose, Date.now());
    const orgHint = expectAgent?.orgId ?? '';
    if (!spent || (expectAgent && spent.agentId !== expectAgent.id)) {
      await failure(orgHint, expectAgent?.id ?? null, ip, action, 'challenge');
      throw new ParleyError('passkey_failed');
    }
    const passkey = await store.identity.passkeyByCredentialId(response.id);
    const agent = passkey ? await store.agents.byId(passkey.orgId, passkey.agentId) : undefined;
    if (!passkey || !agent || (expectAgent && agent.id !== expectAgent.id)) {
      await failure(orgHint, expectAgent?.id ?? null, ip, action, 'unknown_credential');
      throw new ParleyError('passkey_failed');
    }
    const slot = await attempts.begin(
      { key: accountKey(agent.id), orgId: agent.orgId, agentId: agent.id, ip },
      { proof: false },
    );
    let verified: boolean;
    let newCounter = 0;
    try {
      const r = await verifyAuthenticationResponse({
        response,
        expectedChallenge: spent.challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.rpId,
        requireUserVerification: true,
        credential: {
          id: passkey.credentialId,
          publicKey: fromB64(
            open(keyringOf(store), passkey.publicKey, sealContext(passkey.credentialId)),
          ),
          // The counter is checked below by one conditional update (race-safe across nodes).
          counter: 0,
          transports: passkey.transports,
        },
      });
      verified = r.verified;
      newCounter = r.authenticationInfo.newCounter;
    } catch {
      verified = false;
    }
    if (!verified || !agent.active) {
      await failure(agent.orgId, agent.id, ip, action, agent.active ? 'bad_signature' : 'inactive');
      await slot.failed('passkey');
      throw new ParleyError('passkey_failed');
    }
    // W3C WebAuthn §6.1.1: a counter that does not grow signals a cloned authenticator.
    if (!(await store.identity.usePasskey(passkey.id, newCounter, Date.now()))) {
      await failure(agent.orgId, agent.id, ip, action, 'counter');
      await events.emit(agent.orgId, 'passkey_clone', {
        agentId: agent.id,
        ip,
        detail: { passkeyId: passkey.id },
      });
      await slot.failed('passkey');
      throw new ParleyError('passkey_failed');
    }
    await slot.succeeded();
    return { passkey, agent };
  }

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
