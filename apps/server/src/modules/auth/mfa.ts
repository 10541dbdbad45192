import { ParleyError, type MfaEnrolment } from '@parley/protocol';
import type { Store } from '../../store';
import { audit } from '../audit';
import { keyringOf, open, seal, secretContext, type SecurityEvents } from '../security';
import { accountKey, type Attempts } from './attempts';
import { hashPassword, verifyPassword } from './password';
import { assertStrongPassword } from './password-policy';
import { mfaRequired } from './policy';
import type { AgentContext, AuthService } from './service';
import { createStepUp } from './step-up';
import {
  enrolmentFor,
  looksLikeRecoveryCode,
  matchingStep,
  newRecoveryCodes,
  newTotpSecret,
  recoveryCodeHash,
} from './totp';

const ISSUER = 'Parley';

export type MfaService = ReturnType<typeof createMfaService>;

/** The second factor (TOTP, RFC 6238) with one-time recovery codes, step-up and password changes. */
export function createMfaService(deps: {
  store: Store;
  auth: AuthService;
  events: SecurityEvents;
  attempts: Attempts;
  verifyPassword?: (hash: string | undefined, password: string) => Promise<boolean>;
}) {
  const { store, auth, events, attempts } = deps;
  const checkPassword = deps.verifyPassword ?? verifyPassword;
  const who = (ctx: AgentContext) => ({ kind: 'agent' as const, id: ctx.agent.id });
  const subject = (ctx: AgentContext, ip: string) => ({
    key: accountKey(ctx.agent.id),
    orgId: ctx.agent.orgId,
    agentId: ctx.agent.id,
    ip,
  });

  /** The agent's active TOTP secret, opened with the keyring; undefined when none. */
  async function activeSecret(ctx: AgentContext): Promise<string | undefined> {
    const mfa = await store.security.mfa(ctx.agent.orgId, ctx.agent.id);
    return mfa?.totpSecret
      ? open(keyringOf(store), mfa.totpSecret, secretContext.totp(ctx.agent.id))
      : undefined;
  }

  /** Accepts a TOTP code (each time-step once) or an unused recovery code. */
  async function acceptCode(
    ctx: AgentContext,
    secret: string,
    code: string,
  ): Promise<'totp' | 'recovery_code' | undefined> {
    const step = matchingStep(secret, code.trim());
    if (
      step !== undefined &&
      (await store.security.useTotpStep(ctx.agent.orgId, ctx.agent.id, step))
    )
      return 'totp';
    if (
      looksLikeRecoveryCode(code) &&
      (await store.security.useRecoveryCode(
        ctx.agent.orgId,
        ctx.agent.id,
        recoveryCodeHash(code),
        Date.now(),
      ))
    )
      return 'recovery_code';
    return undefined;
  }

  async function wrongCode(ctx: AgentContext, ip: string, action: string): Promise<void> {
    await audit.record(store, {
      orgId: ctx.agent.orgId,
      actor: who(ctx),
      action,
      outcome: 'failure',
      ip,
      detail: { reason: 'invalid_code' },
    });
    await events.emit(ctx.agent.orgId, 'mfa_failed', {
      agentId: ctx.agent.id,
      ip,
      detail: { at: action },
    });
  }

  async function issueRecoveryCodes(ctx: AgentContext): Promise<string[]> {
    const codes = newRecoveryCodes();
    await store.security.replaceRecoveryCodes(
      ctx.agent.orgId,
      ctx.agent.id,
      codes.map(recoveryCodeHash),
    );
    return codes;
  }

  const stepUp = createStepUp({
    store,
    attempts,
    checkPassword,
    activeSecret,
    acceptCode,
    wrongCode,
    subject,
  });

  function assertMaySetUp(ctx: AgentContext): void {
    if (ctx.stage !== 'ok' && ctx.stage !== 'mfa_enrol')
      throw new ParleyError(
        ctx.stage === 'password_change' ? 'password_change_required' : 'mfa_required',
      );
  }

  return {
    stepUp: (ctx: AgentContext, password: string, code: string | undefined, ip: string) =>
      stepUp.prove(ctx, password, code, ip),
    requireStepUp: (ctx: AgentContext) => stepUp.require(ctx),

    async status(ctx: AgentContext) {
      const mfa = await store.security.mfa(ctx.agent.orgId, ctx.agent.id);
      return {
        enabled: !!mfa?.totpSecret,
        recoveryCodesLeft: await store.security.unusedRecoveryCodes(ctx.agent.orgId, ctx.agent.id),
      };
    },

    /** Second step of sign-in: a TOTP code or an unused recovery code, counted before it is checked. */
    async verify(ctx: AgentContext, code: string, ip: string): Promise<void> {
      if (ctx.stage !== 'mfa_verify')
        throw new ParleyError('conflict', 'This session has no code to check.');
      const secret = await activeSecret(ctx);
      if (!secret) throw new ParleyError('conflict');
      const slot = await attempts.begin(subject(ctx, ip), { proof: false });
      const method = await acceptCode(ctx, secret, code);
      if (!method) {
        await wrongCode(ctx, ip, 'auth.mfa_verify');
        await slot.failed('mfa');
        throw new ParleyError('invalid_mfa_code');
      }
      await slot.succeeded();
      const now = Date.now();
      await store.security.markSessionMfa(ctx.agent.orgId, ctx.session.tokenHash, now);
      await store.security.proveSession(ctx.agent.orgId, ctx.session.tokenHash, { factorAt: now });
      await audit.record(store, {
        orgId: ctx.agent.orgId,
        actor: who(ctx),
        action: 'auth.mfa_verify',
        outcome: 'success',
        ip,
        detail: { method },
      });
    },

    /** Starts (or restarts) enrolment: a new secret, shown as a QR code, used only once confirmed. Step-up. */
    async startEnrolment(ctx: AgentContext, ip: string): Promise<MfaEnrolment> {
      assertMaySetUp(ctx);
      await stepUp.require(ctx);
      const secret = newTotpSecret();
      await store.security.setPendingSecret(
        ctx.agent.orgId,
        ctx.agent.id,
        seal(keyringOf(store), secret, secretContext.totp(ctx.agent.id)),
      );
      await audit.record(store, {
        orgId: ctx.agent.orgId,
        actor: who(ctx),
        action: 'mfa.enrolment_start',
        outcome: 'success',
        ip,
        resource: { type: 'agent', id: ctx.agent.id },
      });
      return enrolmentFor(secret, ctx.agent.email, `${ISSUER} (${ctx.organisation.name})`);
    },

    /** Confirms enrolment with a first code; returns the recovery codes, shown once. Step-up. */
    async confirmEnrolment(ctx: AgentContext, code: string, ip: string): Promise<string[]> {
      assertMaySetUp(ctx);
      await stepUp.require(ctx);
      const slot = await attempts.begin(subject(ctx, ip), { proof: false });
      const mfa = await store.security.mfa(ctx.agent.orgId, ctx.agent.id);
      const pending = mfa?.pendingSecret
        ? open(keyringOf(store), mfa.pendingSecret, secretContext.totp(ctx.agent.id))
        : undefined;
      const step = pending ? matchingStep(pending, code) : undefined;
      if (step === undefined) {
        await wrongCode(ctx, ip, 'mfa.enrol');
        await slot.failed('mfa');
        throw new ParleyError('invalid_mfa_code');
      }
      await slot.succeeded();
      const now = Date.now();
      if (!(await store.security.enableTotp(ctx.agent.orgId, ctx.agent.id, now)))
        throw new ParleyError('conflict');
      await store.security.useTotpStep(ctx.agent.orgId, ctx.agent.id, step);
      await store.security.markSessionMfa(ctx.agent.orgId, ctx.session.tokenHash, now);
      await store.security.proveSession(ctx.agent.orgId, ctx.session.tokenHash, { factorAt: now });
      const codes = await issueRecoveryCodes(ctx);
      await audit.record(store, {
        orgId: ctx.agent.orgId,
        actor: who(ctx),
        action: 'mfa.enrol',
        outcome: 'success',
        ip,
        resource: { type: 'agent', id: ctx.agent.id },
      });
      return codes;
    },

    async regenerateRecoveryCodes(ctx: AgentContext, ip: string): Promise<string[]> {
      const mfa = await store.security.mfa(ctx.agent.orgId, ctx.agent.id);
      if (!mfa?.totpSecret) throw new ParleyError('conflict', 'Set up an authenticator app first.');
      await stepUp.require(ctx);
      const codes = await issueRecoveryCodes(ctx);
      await audit.record(store, {
        orgId: ctx.agent.orgId,
        actor: who(ctx),
        action: 'mfa.recovery_codes',
        outcome: 'success',
        ip,
        resource: { type: 'agent', id: ctx.agent.id },
      });
      return codes;
    },

    /** Removes one's own second factor, unless the organisation requires it. Step-up. */
    async disable(ctx: AgentContext, ip: string): Promise<void> {
      const settings = await store.security.settings(ctx.agent.orgId);
      if (mfaRequired(settings.mfaPolicy, ctx.agent.role)) {
        await audit.record(store, {
          orgId: ctx.agent.orgId,
          actor: who(ctx),
          action: 'mfa.disable',
          outcome: 'failure',
          ip,
          detail: { reason: 'required' },
        });
        throw new ParleyError('forbidden', 'Your organisation requires a second factor.');
      }
      await stepUp.require(ctx);
      await store.security.disableTotp(ctx.agent.orgId, ctx.agent.id);
      await audit.record(store, {
        orgId: ctx.agent.orgId,
        actor: who(ctx),
        action: 'mfa.disable',
        outcome: 'success',
        ip,
        resource: { type: 'agent', id: ctx.agent.id },
      });
    },

    /** Changes the password (the current one is counted before it is checked); every other session ends. */
    async changePassword(
      ctx: AgentContext,
      current: string,
      next: string,
      ip: string,
    ): Promise<void> {
      const slot = await attempts.begin(subject(ctx, ip), { proof: false });
      if (!(await checkPassword(ctx.agent.passwordHash, current))) {
        await audit.record(store, {
          orgId: ctx.agent.orgId,
          actor: who(ctx),
          action: 'auth.password_change',
          outcome: 'failure',
          ip,
          detail: { reason: 'bad_password' },
        });
        await slot.failed('password_change');
        throw new ParleyError('invalid_credentials', 'The current password is wrong.');
      }
      await slot.succeeded();
      assertStrongPassword(next, ctx.agent.email);
      if (next === current)
        throw new ParleyError('weak_password', 'Choose a password different from the current one.');
      await store.agents.update(ctx.agent.orgId, ctx.agent.id, {
        passwordHash: await hashPassword(next),
      });
      await store.security.setMustChangePassword(ctx.agent.orgId, ctx.agent.id, false);
      await store.security.setOneTimePasswordExpiry(ctx.agent.orgId, ctx.agent.id, null);
      const now = Date.now();
      await store.security.proveSession(ctx.agent.orgId, ctx.session.tokenHash, {
        passwordAt: now,
      });
      // Issue 10 finding 3: a changed password ends every other session, on every node.
      const others = (await store.security.liveSessions(ctx.agent.orgId, now))
        .filter((s) => s.agentId === ctx.agent.id && s.tokenHash !== ctx.session.tokenHash)
        .map((s) => s.tokenHash);
      await store.security.revokeSessions(ctx.agent.orgId, others, now);
      await audit.record(store, {
        orgId: ctx.agent.orgId,
        actor: who(ctx),
        action: 'auth.password_change',
        outcome: 'success',
        ip,
        resource: { type: 'agent', id: ctx.agent.id },
        detail: { otherSessionsEnded: others.length },
      });
      await auth.publishRevoked(others);
    },
  };
}
