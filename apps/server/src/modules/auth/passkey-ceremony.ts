import {
  verifyAuthenticationResponse,
  type AuthenticationResponseJSON,
} from '@simplewebauthn/server';
import { ParleyError } from '@parley/protocol';
import type { AgentRow, PasskeyRow, Store } from '../../store';
import { audit } from '../audit';
import { keyringOf, open, type SecurityEvents } from '../security';
import { accountKey, type Attempts } from './attempts';

/**
 * The parts of a WebAuthn ceremony that registration, sign-in and step-up share (passkeys.ts):
 * single-use challenges that expire, failures audited, and an assertion checked against its
 * stored credential, counted before it is checked, with the signature counter's clone check.
 */

/** A WebAuthn challenge is good for one ceremony within this time. */
export const PASSKEY_CHALLENGE_MS = 5 * 60_000;

export type Purpose = 'register' | 'sign_in' | 'verify';

/** Where the ceremony runs: the console's origin, which must be one of the server's own. */
export interface RelyingParty {
  origin: string;
  rpId: string;
}

export const sealContext = (credentialId: string) => `passkeys.public_key:${credentialId}`;
export const toB64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64url'));

export function passkeyCeremony(deps: {
  store: Store;
  events: SecurityEvents;
  attempts: Attempts;
}) {
  const { store, events, attempts } = deps;
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

  return { challenge, failure, checkAssertion };
}
