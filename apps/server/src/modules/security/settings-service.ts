import { ParleyError } from '@parley/protocol';
import type { Bus } from '../../bus';
import type { OrgSecurityRow, Store } from '../../store';
import { audit } from '../audit';
import { can, type AgentContext } from '../auth';
import { ipAllowed, parseCidr } from './ip';
import { keyringOf, seal, secretContext } from './keyring';
import type { SecurityEvents } from './events';
import type { WebhookTargetPolicy } from './webhook-target';

/** Bus topic on which every node learns of a changed allowlist and closes sockets from addresses no longer allowed. */
export const ALLOWLIST_TOPIC = 'security:allowlist';

export interface SecuritySettingsPatch {
  mfaPolicy?: 'admins' | 'all' | undefined;
  ipAllowlist?: string[] | undefined;
  webhookUrl?: string | null | undefined;
  webhookSecret?: string | undefined;
  idleMinutes?: number | undefined;
}

export type SecuritySettingsService = ReturnType<typeof createSecuritySettingsService>;

function parseAllowlist(ranges: string[]): string[] {
  return ranges.map((range) => {
    const parsed = parseCidr(range);
    if (!parsed)
      throw new ParleyError(
        'bad_request',
        `"${range}" is not an IPv4 or IPv6 address or CIDR range.`,
      );
    return parsed;
  });
}

/**
 * The organisation's security settings: MFA policy, IP allowlist, webhook,
 * idle timeout. Permission checks, validation and audit live here; the
 * route only parses and presents (issue 8 item 1).
 */
export function createSecuritySettingsService(deps: {
  store: Store;
  bus: Bus;
  webhookPolicy: WebhookTargetPolicy;
  events: SecurityEvents;
  publishRevoked(tokenHashes: string[]): Promise<void>;
}) {
  const { store } = deps;

  function assertManage(ctx: AgentContext): void {
    if (!can(ctx.actor, 'settings:manage', { orgId: ctx.agent.orgId }))
      throw new ParleyError('forbidden');
  }

  /**
   * Sockets (every node, over the bus) and sessions used from an address the
   * new allowlist refuses end at once, each closure a security event. Sockets
   * first, so that they close with ip_not_allowed rather than a bare sign-out.
   */
  async function enforceAllowlist(orgId: string, ranges: string[], keep: string): Promise<number> {
    await deps.bus.publish(ALLOWLIST_TOPIC, {
      audience: 'agent',
      frame: JSON.stringify({ orgId, ipAllowlist: ranges }),
    });
    const now = Date.now();
    // The acting admin's session is kept: its address was just checked against the new list.
    const outside = (await store.security.liveSessions(orgId, now)).filter(
      (s) => s.tokenHash !== keep && s.ip !== null && !ipAllowed(ranges, s.ip),
    );
    const hashes = outside.map((s) => s.tokenHash);
    await store.security.revokeSessions(orgId, hashes, now);
    for (const s of outside)
      await deps.events.emit(orgId, 'allowlist_closed', {
        agentId: s.agentId,
        ip: s.ip,
        detail: { at: 'session' },
      });
    await deps.publishRevoked(hashes);
    return outside.length;
  }

  return {
    async get(ctx: AgentContext): Promise<OrgSecurityRow> {
      assertManage(ctx);
      return store.security.settings(ctx.agent.orgId);
    },

    async update(
      ctx: AgentContext,
      patch: SecuritySettingsPatch,
      ip: string,
    ): Promise<OrgSecurityRow> {
      assertManage(ctx);
      const orgId = ctx.agent.orgId;
      const who = { kind: 'agent' as const, id: ctx.agent.id };
      const ipAllowlist =
        patch.ipAllowlist !== undefined ? parseAllowlist(patch.ipAllowlist) : undefined;
      // The admin making the change must still get in afterwards.
      if (ipAllowlist !== undefined && !ipAllowed(ipAllowlist, ip)) {
        await audit.record(store, {
          orgId,
          actor: who,
          action: 'settings.allowlist',
          outcome: 'failure',
          ip,
          detail: { reason: 'would_lock_out' },
        });
        throw new ParleyError(
          'allowlist_would_lock_out',
          `This allowlist would lock you out: it must include ${ip}.`,
        );
      }
      // Refused before it is stored (SSRF): a webhook to an internal address is never saved.
      if (patch.webhookUrl) await deps.webhookPolicy.resolve(patch.webhookUrl);
      const before = await store.security.settings(orgId);
      const after = await store.security.updateSettings(
        orgId,
        {
          ...(patch.mfaPolicy !== undefined ? { mfaPolicy: patch.mfaPolicy } : {}),
          ...(ipAllowlist !== undefined ? { ipAllowlist } : {}),
          ...(patch.webhookUrl !== undefined ? { webhookUrl: patch.webhookUrl } : {}),
          ...(patch.webhookSecret !== undefined
            ? {
                webhookSecret: seal(
                  keyringOf(store),
                  patch.webhookSecret,
                  secretContext.webhook(orgId),
                ),
              }
            : {}),
          ...(patch.idleMinutes !== undefined ? { idleMinutes: patch.idleMinutes } : {}),
        },
        Date.now(),
      );
      if (patch.mfaPolicy !== undefined && patch.mfaPolicy !== before.mfaPolicy)
        await audit.record(store, {
          orgId,
          actor: who,
          action: 'settings.mfa_policy',
          outcome: 'success',
          ip,
          detail: { from: before.mfaPolicy, to: after.mfaPolicy },
        });
      if (ipAllowlist !== undefined) {
        const ended = await enforceAllowlist(orgId, after.ipAllowlist, ctx.session.tokenHash);
        await audit.record(store, {
          orgId,
          actor: who,
          action: 'settings.allowlist',
          outcome: 'success',
          ip,
          detail: {
            from: before.ipAllowlist.join(' '),
            to: after.ipAllowlist.join(' '),
            sessionsEnded: ended,
          },
        });
      }
      if (patch.webhookUrl !== undefined || patch.webhookSecret !== undefined)
        await audit.record(store, {
          orgId,
          actor: who,
          action: 'settings.webhook',
          outcome: 'success',
          ip,
          detail: { url: after.webhookUrl, secretChanged: patch.webhookSecret !== undefined },
        });
      if (patch.idleMinutes !== undefined && patch.idleMinutes !== before.idleMinutes)
        await audit.record(store, {
          orgId,
          actor: who,
          action: 'settings.idle_timeout',
          outcome: 'success',
          ip,
          detail: { from: before.idleMinutes, to: after.idleMinutes },
        });
      return after;
    },
  };
}
