import { randomUUID } from 'node:crypto';
import { ParleyError } from '@parley/protocol';
import type { Logger } from '../../logger';
import type { MailRow, Store } from '../../store';
import { withDeadline } from '../../lib/deadline';
import { keyringOf, open, seal } from '../security';
import {
  TEMPLATES,
  isTemplateName,
  renderTemplate,
  type TemplateData,
  type TemplateName,
} from './templates';
import { smtpCode, type MailTransport } from './transport';

export interface MailServiceOptions {
  store: Store;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Absent: e-mail is not configured; enqueue refuses with mail_unavailable. */
  transport?: MailTransport | undefined;
  from?: string | undefined;
  maxAttempts: number;
  /** Deadline of one whole SMTP conversation. */
  sendDeadlineMs: number;
  /** First retry delay; doubled per attempt up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How often the queue is polled for due retries (and rows whose node died). */
  pollMs?: number;
  /** This node's name in leases (default: a random id per process start). */
  nodeId?: string;
}

export interface EnqueueInput<N extends TemplateName> {
  orgId: string;
  to: string;
  template: N;
  data: TemplateData<N>;
  /** The intent: enqueuing the same key again sends nothing more. */
  idempotencyKey: string;
}

export type MailService = ReturnType<typeof createMailService>;

const dataContext = (key: string) => `mail_outbox.data:${key}`;

/**
 * The e-mail service: a durable queue in the store drained by every node.
 *
 * Delivery is at least once, with one narrow duplicate window (docs/email.md):
 * a node claims a row with a lease, talks SMTP, and marks it sent after the
 * server's 250 to the end of DATA. If the node dies between that 250 and the
 * mark, the lease runs out and another node sends it again (the Message-ID is
 * the same, so mail clients may fold the two). A restart never resends a row
 * marked sent, and no two nodes hold the same lease.
 */
export function createMailService(opts: MailServiceOptions) {
  const { store, log, transport } = opts;
  const nodeId = opts.nodeId ?? `node-${randomUUID()}`;
  const retryBase = opts.retryBaseMs ?? 30_000;
  const retryMax = opts.retryMaxMs ?? 3_600_000;
  const leaseMs = opts.sendDeadlineMs + 30_000;
  let timer: NodeJS.Timeout | undefined;
  let draining: Promise<number> | undefined;
  let again = false;
  let stopped = false;

  const backoff = (attempt: number) => Math.min(retryMax, retryBase * 2 ** (attempt - 1));

  async function sendOne(row: MailRow): Promise<void> {
    const now = () => Date.now();
    try {
      if (!transport || !opts.from) throw new Error('e-mail is not configured');
      if (!isTemplateName(row.template)) throw new Error(`unknown template ${row.template}`);
      const data = JSON.parse(
        open(keyringOf(store), row.data, dataContext(row.idempotencyKey)),
      ) as unknown;
      const rendered = renderTemplate(row.template, data);
      const domain = /@([^>\s]+)/.exec(opts.from)?.[1] ?? 'parley.invalid';
      await withDeadline(
        transport.send({
          from: opts.from,
          to: row.to,
          ...rendered,
          messageId: `<${row.id}@${domain}>`,
        }),
        opts.sendDeadlineMs,
        'smtp send',
      );
    } catch (err) {
      const code = smtpCode(err);
      const message = err instanceof Error ? err.message : String(err);
      const error = `${code !== undefined ? `smtp ${code}: ` : ''}${message}`.slice(0, 300);
      const giveUp = row.attempts >= opts.maxAttempts;
      await store.mail.markFailed(
        row.id,
        nodeId,
        now(),
        error,
        giveUp ? null : now() + backoff(row.attempts),
      );
      log.warn(
        { mailId: row.id, template: row.template, attempt: row.attempts, smtpCode: code, giveUp },
        giveUp ? 'mail: giving up after the last attempt' : 'mail: send failed; will retry',
      );
      return;
    }
    if (!(await store.mail.markSent(row.id, nodeId, now())))
      log.warn({ mailId: row.id }, 'mail: sent, but the lease had passed to another node');
    else log.info({ mailId: row.id, template: row.template, attempt: row.attempts }, 'mail: sent');
  }

  async function drainOnce(): Promise<number> {
    let sent = 0;
    do {
      again = false;
      for (;;) {
        if (stopped) return sent;
        const row = await store.mail.claim(nodeId, Date.now(), leaseMs);
        if (!row) break;
        await sendOne(row);
        sent += 1;
      }
    } while (again);
    return sent;
  }

  /** Sends every due e-mail now; resolves with how many were tried. One drain per node at a time. */
  function drain(): Promise<number> {
    if (draining) {
      again = true;
      return draining;
    }
    draining = drainOnce().finally(() => {
      draining = undefined;
    });
    return draining;
  }

  const kick = () => {
    if (!transport) return;
    drain().catch((err: unknown) =>
      log.error({ err: err instanceof Error ? err.message : String(err) }, 'mail: drain failed'),
    );
  };

  return {
    /** True when SMTP is configured for this installation. */
    get configured(): boolean {
      return transport !== undefined && opts.from !== undefined;
    },
    nodeId,

    /**
     * Queues one e-mail (durably, before it returns) and starts sending it.
     * Owner-only templates go only to the named agent's own address.
     */
    async enqueue<N extends TemplateName>(
      input: EnqueueInput<N>,
    ): Promise<{ id: string; duplicate: boolean }> {
      if (!this.configured) throw new ParleyError('mail_unavailable');
      const template = TEMPLATES[input.template];
      const data = template.schema.parse(input.data);
      if (template.ownerOnly) {
        const agent = await store.agents.byId(input.orgId, (data as { agentId: string }).agentId);
        if (!agent || agent.email !== input.to.trim().toLowerCase())
          throw new Error(`mail: ${input.template} goes only to its owner's address`);
      }
      const { row, duplicate } = await store.mail.enqueue({
        orgId: input.orgId,
        idempotencyKey: input.idempotencyKey,
        to: input.to.trim().toLowerCase(),
        template: input.template,
        data: seal(keyringOf(store), JSON.stringify(data), dataContext(input.idempotencyKey)),
        now: Date.now(),
      });
      if (!duplicate) kick();
      return { id: row.id, duplicate };
    },

    drain,

    /** Polls for due retries and for rows whose node died holding a lease. */
    start(): void {
      if (!transport || timer) return;
      stopped = false;
      timer = setInterval(kick, opts.pollMs ?? 15_000);
      timer.unref();
      kick();
    },

    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await draining?.catch(() => undefined);
      transport?.close();
    },
  };
}
