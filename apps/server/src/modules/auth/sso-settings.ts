import { ParleyError, type UpdateSsoSettingsRequestSchema } from '@parley/protocol';
import type { z } from 'zod';
import type { OrgIdentityRow, Store } from '../../store';
import { audit } from '../audit';
import { keyringOf, seal } from '../security';
import { ssoSecretContext } from './oidc';
import { can, type AgentActor } from './policy';

export type SsoSettingsUpdate = z.infer<typeof UpdateSsoSettingsRequestSchema>;

/**
 * An admin's change of the organisation's SSO settings (PUT /api/settings/sso):
 * settings:manage, the client secret sealed before it is stored, and the
 * change and its audit entry (never the secret) in one transaction.
 */
export async function updateSsoSettings(
  store: Store,
  by: { actor: AgentActor; sessionTokenHash: string; ip: string | null },
  body: SsoSettingsUpdate,
): Promise<OrgIdentityRow> {
  const { orgId, agentId } = by.actor;
  if (!can(by.actor, 'settings:manage', { orgId })) throw new ParleyError('forbidden');
  // Requiring passkeys for admins from a session without one would lock this admin out.
  if (
    body.requirePasskeyForAdmins === true &&
    (await store.identity.sessionIdentity(by.sessionTokenHash))?.passkeyAt == null
  )
    throw new ParleyError(
      'phishing_resistant_required',
      'Sign in with a passkey before requiring one for administrators.',
    );
  const { requirePasskeyForAdmins, clientSecret, ...sso } = body;
  const patch: Partial<OrgIdentityRow['sso']> = {};
  for (const [k, v] of Object.entries(sso))
    if (v !== undefined) (patch as Record<string, unknown>)[k] = v;
  if (clientSecret !== undefined)
    patch.clientSecret = seal(keyringOf(store), clientSecret, ssoSecretContext(orgId));
  return store.transaction(async (tx) => {
    const saved = await store.identity.saveSettings(
      orgId,
      { ...(requirePasskeyForAdmins !== undefined ? { requirePasskeyForAdmins } : {}), sso: patch },
      Date.now(),
      tx,
    );
    await audit.record(
      store,
      {
        orgId,
        actor: { kind: 'agent', id: agentId },
        action: 'settings.sso',
        outcome: 'success',
        ip: by.ip,
        detail: {
          changed: Object.keys(body)
            .filter((k) => k !== 'clientSecret')
            .join(','),
          clientSecretChanged: body.clientSecret !== undefined,
        },
      },
      tx,
    );
    return saved;
  });
}
