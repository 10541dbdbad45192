import { createHash } from 'node:crypto';
import { formatMoney, ParleyError, type PaymentStatus } from '@parley/protocol';
import type { Logger } from '../../logger';
import type { ConversationRow, PaymentRow, Store } from '../../store';
import { audit } from '../audit';
import type { AgentActor } from '../auth';
import type { ChatActor, ChatService } from '../chat';
import type { MailService } from '../mail';
import { feedbackAllowed } from './policy';

export interface TranscriptsDeps {
  store: Store;
  chat: ChatService;
  mail: MailService;
  log: Logger;
  /** Transcripts per conversation in a window (Redis-backed across nodes): seconds to wait, or 0. */
  limiter: { hit(key: string): Promise<number> };
}

/** Lines a transcript holds; a longer conversation keeps its last ones. */
const MAX_LINES = 2000;
const PAGE = 500;

const PAYMENT_STATUS: Record<PaymentStatus, string> = {
  created: 'requested',
  opened: 'requested',
  requires_action: 'waiting for the bank',
  succeeded: 'paid',
  failed: 'failed',
  canceled: 'cancelled',
  expired: 'expired',
  disputed: 'disputed by the customer’s bank',
};

/** A payment as a status line: amount, description and outcome, never card data (not even last four). */
function paymentLine(p: PaymentRow): string {
  const refunded =
    p.amountRefunded > 0 ? `, ${formatMoney(p.amountRefunded, p.currency, 'en')} refunded` : '';
  return `Payment of ${formatMoney(p.amount, p.currency, 'en')} (${p.description}): ${PAYMENT_STATUS[p.status]}${refunded}`;
}

/**
 * An e-mail leaves the installation for good, so a transcript keeps not even the last four
 * digits the chat shows after a hidden number ("•••• 4444" becomes "•••• ••••").
 */
export function hideMaskedDigits(text: string): string {
  return text.replace(/(•[•\s-]*)(\d{1,4})/g, (_w, before: string, digits: string) =>
    before.concat('•'.repeat(digits.length)),
  );
}

/**
 * Transcripts (issue 15 item 3): the conversation's messages as stored — masked, so no card
 * number ever reaches an e-mail — with payments as status lines and file names; internal notes
 * live in their own table and are never read here. Queued on the durable mail queue with an
 * idempotency key per conversation, address and last seq, so a repeated request sends nothing
 * more; a conversation gets at most a few transcripts per hour (`limiter`).
 */
export function createTranscriptsService(deps: TranscriptsDeps) {
  const { store, chat, mail, log } = deps;

  async function build(conv: ConversationRow, forVisitor: boolean) {
    const messages = [];
    for (let after = 0; ;) {
      const page = await store.messages.after(conv.orgId, conv.id, after, PAGE);
      messages.push(...page);
      const last = page.at(-1);
      if (page.length < PAGE || !last) break;
      after = last.seq;
    }
    const [payments, files, org] = await Promise.all([
      store.payments.listForConversation(conv.orgId, conv.id),
      store.files.listForConversation(conv.orgId, conv.id),
      store.orgs.byId(conv.orgId),
    ]);
    const visitor = forVisitor ? 'You' : (conv.visitorName ?? 'Customer');
    const lines = [
      ...messages.map((m) => ({
        at: m.createdAt,
        who:
          m.senderKind === 'visitor'
            ? visitor
            : m.senderKind === 'agent'
              ? (m.senderName ?? 'Agent')
              : (org?.name ?? 'Chat'),
        text: hideMaskedDigits(m.text),
      })),
      ...payments.map((p) => ({ at: p.createdAt, who: org?.name ?? 'Chat', text: paymentLine(p) })),
      ...files
        .filter((f) => f.status === 'available')
        .map((f) => ({
          at: f.createdAt,
          who: f.uploaderKind === 'visitor' ? visitor : 'Agent',
          // A file name is masked like text, so it can end in a card's last four too.
          text: hideMaskedDigits(`Sent a file: ${f.name}`),
        })),
    ].sort((a, b) => a.at - b.at);
    return {
      organisation: org?.name ?? 'Parley',
      startedAt: conv.createdAt,
      lines: lines.slice(-MAX_LINES),
      omitted: Math.max(0, lines.length - MAX_LINES),
    };
  }

  async function queue(conv: ConversationRow, email: string, forVisitor: boolean) {
    if (!mail.configured) throw new ParleyError('mail_unavailable');
    const address = email.trim().toLowerCase();
    const addressKey = createHash('sha256').update(address).digest('hex').slice(0, 32);
    const key = `transcript:${conv.id}:${addressKey}:${conv.lastSeq}:${conv.status}`;
    if ((await deps.limiter.hit(`transcript:${conv.id}`)) > 0)
      throw new ParleyError('transcript_limit');
    const data = await build(conv, forVisitor);
    const r = await mail.enqueue({
      orgId: conv.orgId,
      to: address,
      template: 'transcript',
      data,
      idempotencyKey: key,
    });
    log.info(
      { orgId: conv.orgId, conversationId: conv.id, mailId: r.id, duplicate: r.duplicate },
      'transcript queued',
    );
    return r;
  }

  return {
    /** The visitor asks for their own conversation's transcript. */
    async request(actor: ChatActor & { kind: 'visitor' }, conversationId: string, email: string) {
      const conv = await chat.authorize(actor, conversationId, 'view');
      return queue(conv, email, true);
    },

    /** An agent sends one (to the customer, at an address they gave); audited: data leaves. */
    async send(actor: ChatActor & AgentActor, conversationId: string, email: string, ip: string) {
      const conv = await chat.authorize(actor, conversationId, 'view');
      if (!feedbackAllowed(actor, 'transcript:send', conv)) throw new ParleyError('forbidden');
      const r = await queue(conv, email, false);
      if (!r.duplicate)
        await audit.record(store, {
          orgId: conv.orgId,
          actor: { kind: 'agent', id: actor.agentId },
          action: 'conversation.transcript_sent',
          outcome: 'success',
          ip,
          resource: { type: 'conversation', id: conv.id },
          // The domain only: enough to spot a transcript sent outside, no full address in the log.
          detail: { mailId: r.id, toDomain: email.split('@')[1] ?? '' },
        });
      return r;
    },

    build,
  };
}

export type TranscriptsService = ReturnType<typeof createTranscriptsService>;
