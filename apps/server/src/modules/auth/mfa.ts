import { ParleyError, type MfaEnrolment } from '@parley/protocol';
import type { Store } from '../../store';
import { audit } from '../audit';
import type { SecurityEvents } from '../security';
import { hashPassword, verifyPassword } from './password';
import { assertStrongPassword } from './password-policy';
import { mfaRequired } from './policy';
import { LOCKOUT, accountKey, type AgentContext, type AuthService } from './service';
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

/** The second factor (TOTP, RFC 6238) with one-time recovery codes, and password changes. */
export function createMfaService(deps: {
  store: Store;
  auth: AuthService;
  events: SecurityEvents;
}) {
  const { store, auth, events } = deps;
  const who = (ctx: AgentContext) => ({ kind: 'agent' as const, id: ctx.agent.id });

  async function assertNotLocked(ctx: AgentContext): Promise<void> {
    const t = await store.security.throttle(accountKey(ctx.agent.id));
    if (t?.lockedUntil != null && t.lockedUntil > Date.now())
      throw new ParleyError('account_locked');
  }

  async function wrongCode(ctx: AgentContext, ip: string, action: string): Promise<never> {
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
    await auth.recordFailure(ctx.agent, ip, 'mfa');
    throw new ParleyError('invalid_mfa_code');
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

  return {
    /** Second step of sign-in: a TOTP code (each time-step once) or an unused recovery code. */
    async verify(ctx: AgentContext, code: string, ip: string): Promise<void> {
      if (ctx.stage !== 'mfa_verify')
        throw new ParleyError('conflict', 'This session has no code to check.');
      await assertNotLocked(ctx);
      const mfa = await store.security.mfa(ctx.agent.orgId, ctx.agent.id);
      if (!mfa?.totpSecret) throw new ParleyError('conflict');
      let method: 'totp' | 'recovery_code' | undefined;
      const step = matchingStep(mfa.totpSecret, code.trim());
      if (
        step !== undefined &&
        (await store.security.useTotpStep(ctx.agent.orgId, ctx.agent.id, step))
      )
        method = 'totp';
      else if (
        looksLikeRecoveryCode(code) &&
        (await store.security.useRecoveryCode(
          ctx.agent.orgId,
          ctx.agent.id,
          recoveryCodeHash(code),
          Date.now(),
        ))
      ) {
        method = 'recovery_code';
      }
      if (!method) return wrongCode(ctx, ip, 'auth.mfa_verify');
      await store.security.markSessionMfa(ctx.agent.orgId, ctx.session.tokenHash, Date.now());
      await store.security.clearThrottle(accountKey(ctx.agent.id));
      await audit.record(store, {
        orgId: ctx.agent.orgId,
        actor: who(ctx),
        action: 'auth.mfa_verify',
        outcome: 'success',
        ip,
        detail: { method },
      });
    },

    /** Starts (or restarts) enrolment: a new secret, shown as a QR code, used only once confirmed. */
    async startEnrolment(ctx: AgentContext, ip: string): Promise<MfaEnrolment> {
      if (ctx.stage !== 'ok' && ctx.stage !== 'mfa_enrol')
        throw new ParleyError(
          ctx.stage === 'password_change' ? 'password_change_required' : 'mfa_required',
        );
      const secret = newTotpSecret();
      await store.security.setPendingSecret(ctx.agent.orgId, ctx.agent.id, secret);
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

    /** Confirms enrolment with a first code; returns the recovery codes, shown once. */
    async confirmEnrolment(ctx: AgentContext, code: string, ip: string): Promise<string[]> {
      if (ctx.stage !== 'ok' && ctx.stage !== 'mfa_enrol')
        throw new ParleyError(
          ctx.stage === 'password_change' ? 'password_change_required' : 'mfa_required',
        );
      await assertNotLocked(ctx);
      const mfa = await store.security.mfa(ctx.agent.orgId, ctx.agent.id);
      const step = mfa?.pendingSecret ? matchingStep(mfa.pendingSecret, code) : undefined;
      if (step === undefined) return wrongCode(ctx, ip, 'mfa.enrol');
      if (!(await store.security.enableTotp(ctx.agent.orgId, ctx.agent.id, Date.now())))
        throw new ParleyError('conflict');
      await store.security.useTotpStep(ctx.agent.orgId, ctx.agent.id, step);
      await store.security.markSessionMfa(ctx.agent.orgId, ctx.session.tokenHash, Date.now());
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

    /** Removes one's own second factor, unless the organisation requires it. */
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

    async changePassword(
      ctx: AgentContext,
      current: string,
      next: string,
      ip: string,
    ): Promise<void> {
      await assertNotLocked(ctx);
      if (!(await verifyPassword(ctx.agent.passwordHash, current))) {
        await audit.record(store, {
          orgId: ctx.agent.orgId,
          actor: who(ctx),
          action: 'auth.password_change',
          outcome: 'failure',
          ip,
          detail: { reason: 'bad_password' },
        });
        await auth.recordFailure(ctx.agent, ip, 'password_change');
        throw new ParleyError('invalid_credentials', 'The current password is wrong.');
      }
      assertStrongPassword(next, ctx.agent.email);
      if (next === current)
        throw new ParleyError('weak_password', 'Choose a password different from the current one.');
      await store.agents.update(ctx.agent.orgId, ctx.agent.id, {
        passwordHash: await hashPassword(next),
      });
      await store.security.setMustChangePassword(ctx.agent.orgId, ctx.agent.id, false);
      await audit.record(store, {
        orgId: ctx.agent.orgId,
        actor: who(ctx),
        action: 'auth.password_change',
        outcome: 'success',
        ip,
        resource: { type: 'agent', id: ctx.agent.id },
      });
    },

    lockout: LOCKOUT,
  };
}
