import { randomUUID } from 'node:crypto';
import type { Role } from '@parley/protocol';
import type { Store } from '../../store';
import { randomToken } from '../../lib/tokens';
import { audit } from '../audit';
import { hashPassword, type AgentContext } from '../auth';
import type { AgentStatus } from './service';

/**
 * An invitation for an address that belongs to ANOTHER organisation (issue 10
 * finding 9): it answers exactly like a fresh invitation — 201, the same body
 * shape, a one-time password, and the same Argon2 hash so the timing is of the
 * same class — but creates nothing: addresses are unique across the
 * installation, and the other organisation's agent is not touched. The attempt
 * is audited on the installation's chain (organisation ''), which the
 * inviting admin cannot read. Known limit (docs/security.md): the invitee
 * never appears in the admin's list of agents.
 */
export async function inviteTakenElsewhere(
  store: Store,
  ctx: AgentContext,
  input: { email: string; name: string; role: Role },
  ip: string,
): Promise<{ status: AgentStatus; oneTimePassword: string }> {
  const oneTimePassword = randomToken(15);
  const passwordHash = await hashPassword(oneTimePassword);
  await audit.record(store, {
    orgId: '',
    actor: { kind: 'agent', id: ctx.agent.id },
    action: 'agent.invite',
    outcome: 'failure',
    ip,
    detail: { reason: 'address_in_another_organisation', orgId: ctx.agent.orgId },
  });
  return {
    status: {
      agent: {
        id: randomUUID(),
        orgId: ctx.agent.orgId,
        email: input.email.trim().toLowerCase(),
        name: input.name,
        role: input.role,
        passwordHash,
        active: true,
        createdAt: Date.now(),
      },
      mfaEnabled: false,
      locked: false,
    },
    oneTimePassword,
  };
}
