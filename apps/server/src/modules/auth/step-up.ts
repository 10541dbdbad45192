import { ParleyError } from '@parley/protocol';
import type { Store } from '../../store';
import type { AttemptSubject, Attempts } from './attempts';
import type { AgentContext } from './service';

/** How long a proof of the password and the second factor counts for a sensitive change. */
export const STEP_UP_MS = 5 * 60_000;

/**
 * Step-up (issue 10 finding 3): enrolling, removing or resetting a factor and
 * regenerating recovery codes need the current password and, when the agent
 * has one, a current second factor, each given within the last five minutes
 * (at sign-in or through POST /api/auth/step-up). A session alone is not enough.
 */
export function createStepUp(deps: {
  store: Store;
  attempts: Attempts;
  checkPassword(hash: string | undefined, password: string): Promise<boolean>;
  activeSecret(ctx: AgentContext): Promise<string | undefined>;
  acceptCode(ctx: AgentContext, secret: string, code: string): Promise<string | undefined>;
  wrongCode(ctx: AgentContext, ip: string, action: string): Promise<void>;
  subject(ctx: AgentContext, ip: string): AttemptSubject;
}) {
  const { store } = deps;
  return {
    /** Throws step_up_required unless the session proved its credentials recently enough. */
    async require(ctx: AgentContext): Promise<void> {
      const now = Date.now();
      const proofs = await store.security.sessionProofs(ctx.session.tokenHash);
      const fresh = (t: number | null) => t !== null && now - t < STEP_UP_MS;
      const hasFactor =
        !!(await store.security.mfa(ctx.agent.orgId, ctx.agent.id))?.totpSecret ||
        (await store.identity.countPasskeys(ctx.agent.orgId, ctx.agent.id)) > 0;
      if (!fresh(proofs.passwordAt) || (hasFactor && !fresh(proofs.factorAt)))
        throw new ParleyError('step_up_required');
    },

    /** Proves the password (and the current factor when enrolled); both counted before they are checked. */
    async prove(ctx: AgentContext, password: string, code: string | undefined, ip: string) {
      const slot = await deps.attempts.begin(deps.subject(ctx, ip), { proof: false });
      if (!(await deps.checkPassword(ctx.agent.passwordHash, password))) {
        await slot.failed('step_up');
        throw new ParleyError('invalid_credentials', 'The password is wrong.');
      }
      const secret = await deps.activeSecret(ctx);
      if (secret) {
        if (!code || !(await deps.acceptCode(ctx, secret, code))) {
          await deps.wrongCode(ctx, ip, 'auth.step_up');
          await slot.failed('step_up');
          throw new ParleyError('invalid_mfa_code');
        }
      }
      await slot.succeeded();
      const now = Date.now();
      await store.security.proveSession(ctx.agent.orgId, ctx.session.tokenHash, {
        passwordAt: now,
        ...(secret ? { factorAt: now } : {}),
      });
      return { validUntil: now + STEP_UP_MS };
    },
  };
}
