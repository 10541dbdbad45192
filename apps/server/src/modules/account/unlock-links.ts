import { ParleyError } from '@parley/protocol';
import type { Logger } from '../../logger';
import type { Store } from '../../store';
import { randomToken, sha256Hex } from '../../lib/tokens';
import { audit } from '../audit';
import { LOCKOUT, accountKey } from '../auth';
import type { MailService } from '../mail';
import type { SecurityEvents } from '../security';

/** An unlock link works once, for this long. */
export const UNLOCK_LINK_MS = 30 * 60_000;

export type UnlockLinks = ReturnType<typeof createUnlockLinks>;

/**
 * E-mailed unlock links (issue 10 item 2): an agent whose sign-in is locked
 * by failed attempts (PCI DSS 8.3.4) asks for a link; it goes only to the
 * account's own address, works once and for 30 minutes, and only its SHA-256
 * is stored. The request answers the same whatever the address (unknown, not
 * locked, locked, no SMTP) and does its work after answering, so neither the
 * answer nor its timing tells anything. One e-mail per lock: asking again
 * while the same lock holds sends nothing more.
 */
export function createUnlockLinks(deps: {
  store: Store;
  mail: MailService;
  events: SecurityEvents;
  log: Pick<Logger, 'warn'>;
  /** The origin agents reach the console at (links point there). */
  publicUrl: () => string;
}) {
  const { store, mail, events } = deps;
  const inFlight = new Set<Promise<void>>();

  async function lockOf(agentId: string): Promise<number | undefined> {
    const t = await store.security.throttle(accountKey(agentId));
    if (!t) return undefined;
    const now = Date.now();
    const locked =
      (t.lockedUntil != null && t.lockedUntil > now) ||
      (t.failures >= LOCKOUT.max && now - t.firstAt < LOCKOUT.windowMs);
    return locked ? t.firstAt : undefined;
  }

  async function send(email: string, ip: string): Promise<void> {
    if (!mail.configured) return;
    const agent = await store.agents.byEmail(email);
    if (!agent?.active) return;
    const lock = await lockOf(agent.id);
    if (lock === undefined) return;
    const token = randomToken(32);
    const tokenHash = sha256Hex(token);
    const now = Date.now();
    await store.account.createUnlockToken({
      tokenHash,
      orgId: agent.orgId,
      agentId: agent.id,
      now,
      expiresAt: now + UNLOCK_LINK_MS,
    });
    const org = await store.orgs.byId(agent.orgId);
    const r = await mail.enqueue({
      orgId: agent.orgId,
      to: agent.email,
      template: 'unlock_link',
      data: {
        agentId: agent.id,
        name: agent.name,
        organisation: org?.name ?? 'Parley',
        link: `${deps.publicUrl()}/unlock#token=${token}`,
        expiresMinutes: UNLOCK_LINK_MS / 60_000,
      },
      idempotencyKey: `unlock:${agent.id}:${lock}`,
    });
    // Same lock, asked again: the first e-mail stands; this token never leaves.
    if (r.duplicate) {
      await store.account.deleteUnlockToken(tokenHash);
      return;
    }
    await audit.record(store, {
      orgId: agent.orgId,
      actor: { kind: 'anonymous', id: agent.id },
      action: 'auth.unlock_link_sent',
      outcome: 'success',
      ip,
      resource: { type: 'agent', id: agent.id },
    });
  }

  return {
    get available(): boolean {
      return mail.configured;
    },

    /** Starts the request and returns at once; the promise is for tests that wait for it. */
    request(email: string, ip: string): Promise<void> {
      const work = send(email.trim().toLowerCase(), ip)
        .catch((err: unknown) => {
          deps.log.warn(
            { err: err instanceof Error ? err.message : 'unknown' },
            'unlock link: request failed',
          );
        })
        .finally(() => inFlight.delete(work));
      inFlight.add(work);
      return work;
    },

    /** Resolves when every request started so far has done its work (tests, shutdown). */
    async settled(): Promise<void> {
      await Promise.all([...inFlight]);
    },

    /** Spends the link and lifts the lock; audited and reported as a security event. */
    async use(token: string, ip: string): Promise<void> {
      const spent = await store.account.spendUnlockToken(sha256Hex(token), Date.now());
      if (!spent) {
        await audit.record(store, {
          orgId: '',
          actor: { kind: 'anonymous', id: null },
          action: 'auth.unlock_link',
          outcome: 'failure',
          ip,
          detail: { reason: 'invalid_or_used' },
        });
        throw new ParleyError('unlock_link_invalid');
      }
      await store.security.clearThrottle(accountKey(spent.agentId));
      await audit.record(store, {
        orgId: spent.orgId,
        actor: { kind: 'anonymous', id: spent.agentId },
        action: 'agent.unlock',
        outcome: 'success',
        ip,
        resource: { type: 'agent', id: spent.agentId },
        detail: { via: 'email_link' },
      });
      await events.emit(spent.orgId, 'account_unlocked', {
        agentId: spent.agentId,
        ip,
        detail: { via: 'email_link' },
      });
    },
  };
}
