import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatMessage, ConversationSummary, SystemLineCode } from '@parley/protocol';
import { t } from '../i18n';
import type { ConsoleClient } from '../lib/client';
import { heldLabel, maskedLabel } from '../lib/state';
import { timeOf, visitorName } from './format';
import { VerifiedBadge, VerifiedDetails } from './verified-badge';
import { ConsentDetails } from './consent-details';
import { ReplyBox } from './reply-box';
import { PaymentCard } from './payment-card';
import { PaymentForm } from './payment-form';
import { AttachBar, batchesOf, FileCard } from './attachments';
import { NoteBox, NoteItem } from './note-box';
import { RatingItem, TranscriptBox } from './feedback-bits';
import { TransferForm, TransferItem } from './routing-bits';
import { BlockDialog } from './block-dialog';
import { MessageText } from './message-text';
import { clipboardText, noteCopy } from '../lib/receiver';
import { useJoined, WatchNote } from './supervise-bits';

// Keys in full for i18n.test.ts.
const STATUS: Record<ConversationSummary['status'], string> = {
  waiting: 'thread.statusWaiting',
  active: 'thread.statusActive',
  closed: 'thread.statusClosed',
};

interface Props {
  client: ConsoleClient;
  conversation: ConversationSummary;
}

/** Catalog keys of the lines the server writes (SYSTEM_LINES in packages/protocol). */
const SYSTEM_KEYS: Record<SystemLineCode, string> = {
  talking_to: 'widgetTexts.lineTalkingTo',
  joined: 'widgetTexts.lineJoined',
  card_hidden: 'widgetTexts.lineCardHidden',
};

function Message({ m, visitor }: { m: ChatMessage; visitor: string }) {
  const label = maskedLabel(m.masked);
  const held = heldLabel(m.masked);
  const who =
    m.sender.kind === 'visitor'
      ? visitor
      : m.sender.kind === 'agent'
        ? (m.sender.name ?? t('thread.agent'))
        : t('thread.system');
  return (
    <li
      class={`msg ${m.sender.kind}`}
      data-testid="message"
      data-sender={m.sender.kind}
      data-seq={m.seq}
    >
      <div class="msg-head">
        <span class="who">{who}</span>
        <span class="when">{timeOf(m.createdAt)}</span>
        {label && (
          <span class="badge-masked" data-testid="masked-badge" title={label}>
            {t('thread.maskedBadge')}
          </span>
        )}
        {held && (
          <span class="badge-held" data-testid="held-badge" title={held}>
            {t('thread.heldBadge')}
          </span>
        )}
      </div>
      {/* A server-written line in the console's language; the stored English text otherwise. */}
      <MessageText text={m.system ? t(SYSTEM_KEYS[m.system.code], m.system.params) : m.text} />
    </li>
  );
}

export function ConversationPane({ client, conversation: c }: Props) {
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [paying, setPaying] = useState(false);
  const [transferring, setTransferring] = useState(false);
  const [blocking, setBlocking] = useState(false);
  const [blockNotice, setBlockNotice] = useState<string | null>(null);
  const end = useRef<HTMLLIElement>(null);
  const s = client.state;
  const messages = s.messages[c.id] ?? [];
  const pending = s.pending[c.id] ?? [];
  const failed = s.failed[c.id] ?? [];
  const typing = s.visitorTyping[c.id] === true;
  const mine = c.status === 'active' && c.agent?.id === client.me.id;

  const payments = s.payments[c.id] ?? [];
  const settings = client.paymentSettings;
  // Payment cards sit in the thread where they were asked for.
  const thread = [
    ...messages.map((m) => ({ kind: 'message' as const, at: m.createdAt, m })),
    ...payments.map((p) => ({ kind: 'payment' as const, at: p.createdAt, p })),
    ...batchesOf(s.files[c.id] ?? []).map((b) => ({ kind: 'files' as const, at: b.at, b })),
    ...(s.notes[c.id] ?? []).map((n) => ({ kind: 'note' as const, at: n.createdAt, n })),
    ...(s.ratings[c.id]
      ? [{ kind: 'rating' as const, at: Number.MAX_SAFE_INTEGER, r: s.ratings[c.id] }]
      : []),
    ...(s.transfers[c.id] ?? []).map((tr) => ({
      kind: 'transfer' as const,
      at: tr.createdAt,
      t: tr,
    })),
  ].sort((a, b) => a.at - b.at);
  const refunder = client.me.role === 'supervisor' || client.me.role === 'admin';
  // A supervisor watches any active conversation read-only, and replies once joined.
  const supervision = useJoined(c, client.me.id);
  const canJoin = refunder && c.status === 'active' && !mine && !supervision.joined;
  const replying = mine || (c.status === 'active' && supervision.joined);
  // Its agent, or a supervisor, may hand an active conversation on (docs/routing.md).
  const canTransfer = c.status === 'active' && (mine || refunder);
  useEffect(() => {
    setActionError(null);
    setPaying(false);
    setTransferring(false);
    setBlocking(false);
    setBlockNotice(null);
  }, [c.id]);
  useEffect(
    () => end.current?.scrollIntoView({ block: 'end' }),
    [
      messages.length,
      pending.length,
      typing,
      c.id,
      payments.length,
      s.notes[c.id]?.length,
      s.ratings[c.id],
    ],
  );

  const act = async (fn: () => Promise<string | null>): Promise<void> => {
    setBusy(true);
    setActionError(await fn());
    setBusy(false);
  };

  return (
    <section
      class="pane"
      data-testid="conversation-view"
      data-conversation-id={c.id}
      data-status={c.status}
      aria-label={t('thread.label', { name: visitorName(c) })}
    >
      <header class="pane-head">
        <div>
          <h1>
            {visitorName(c)} <VerifiedBadge c={c} />
          </h1>
          <VerifiedDetails c={c} />
          <ConsentDetails c={c} />
          <p class="pane-sub">
            <span class={`pill ${c.status}`} data-testid="conversation-status">
              {t(STATUS[c.status])}
            </span>{' '}
            {c.agent
              ? c.agent.id === client.me.id
                ? t('thread.assignedToYou')
                : t('thread.assignedTo', { name: c.agent.name })
              : t('thread.notAssigned')}
          </p>
        </div>
        <div class="actions">
          {c.status === 'waiting' && (
            <button
              type="button"
              class="btn primary"
              disabled={busy}
              onClick={() => void act(() => client.accept(c.id))}
            >
              {t('thread.accept')}
            </button>
          )}
          {mine && settings?.enabled && (
            <button
              type="button"
              class="btn"
              aria-expanded={paying}
              onClick={() => setPaying(!paying)}
            >
              {t('thread.requestPayment')}
            </button>
          )}
          {canJoin && (
            <button type="button" class="btn primary" onClick={() => void supervision.join()}>
              {t('thread.join')}
            </button>
          )}
          {canTransfer && (
            <button
              type="button"
              class="btn"
              aria-expanded={transferring}
              onClick={() => setTransferring(!transferring)}
            >
              {t('thread.transfer')}
            </button>
          )}
          {mine && (
            <button
              type="button"
              class="btn"
              disabled={busy}
              onClick={() => void act(() => client.close(c.id))}
            >
              {t('thread.close')}
            </button>
          )}
          <button type="button" class="btn danger" onClick={() => setBlocking(true)}>
            {t('thread.block')}
          </button>
        </div>
      </header>
      {blocking && (
        <BlockDialog
          conversation={c}
          onCancel={() => setBlocking(false)}
          onDone={(message) => {
            setBlocking(false);
            setBlockNotice(message);
          }}
        />
      )}
      {blockNotice && (
        <p class="banner" role="status" data-testid="block-notice">
          {blockNotice}
        </p>
      )}
      {(actionError ?? supervision.error) && (
        <p class="banner error" role="alert" data-testid="action-error">
          {actionError ?? supervision.error}
        </p>
      )}
      {/* A scrollable region is reachable by keyboard (axe scrollable-region-focusable at 390 px). */}
      {/* A list, not role="log": a log's children are no list items (axe `listitem`). */}
      <ol
        class="thread"
        aria-live="polite"
        aria-label={t('thread.messages')}
        tabIndex={0}
        onCopy={(e) => {
          // Masked values leave without digits, and the copy is remembered so that a paste
          // into another conversation's reply asks first (issue 14 item 9).
          const text = clipboardText(window.getSelection()?.toString() ?? '');
          if (!e.clipboardData || text === '') return;
          e.preventDefault();
          e.clipboardData.setData('text/plain', text);
          noteCopy(c.id, visitorName(c), text);
        }}
      >
        {messages.length === 0 && pending.length === 0 && (
          <li class="empty">{t('thread.noMessages')}</li>
        )}
        {thread.map((item) =>
          item.kind === 'message' ? (
            <Message key={`m${item.m.seq}`} m={item.m} visitor={visitorName(c)} />
          ) : item.kind === 'rating' ? (
            item.r && <RatingItem key="rating" r={item.r} />
          ) : item.kind === 'note' ? (
            <NoteItem key={`n${item.n.id}`} n={item.n} me={client.me.id} />
          ) : item.kind === 'transfer' ? (
            <TransferItem key={`t${item.t.id}`} t={item.t} me={client.me.id} />
          ) : item.kind === 'files' ? (
            <li
              key={`f${item.b.batchId}`}
              class={`msg files ${item.b.files[0]?.uploader.kind ?? ''}`}
            >
              {item.b.files.map((f) => (
                <FileCard key={f.id} f={f} />
              ))}
            </li>
          ) : (
            <PaymentCard
              key={`p${item.p.id}`}
              p={item.p}
              canCancel={c.status !== 'closed'}
              canRefund={refunder}
              onCancel={() => client.cancelPayment(c.id, item.p.id)}
              onRefund={(amount, key) => client.refundPayment(c.id, item.p.id, amount, key)}
              canResend={mine && c.status !== 'closed'}
              onResend={(key) =>
                client.requestPayment(c.id, {
                  amount: item.p.amount,
                  currency: item.p.currency,
                  description: item.p.description,
                  idempotencyKey: key,
                })
              }
            />
          ),
        )}
        {pending.map((p) => (
          <li
            key={p.clientMsgId}
            class="msg agent pending"
            data-testid="message"
            data-sender="agent"
            data-state="pending"
          >
            <div class="msg-head">
              <span class="who">{t('thread.you')}</span>
              <span class="when">{t('thread.sending')}</span>
            </div>
            <div class="msg-text">{p.text}</div>
          </li>
        ))}
        {failed.map((f, i) => (
          <li
            key={`f${i}`}
            class="msg agent failed"
            data-testid="message"
            data-sender="agent"
            data-state="failed"
          >
            <div class="msg-head">
              <span class="who">{t('thread.notSent')}</span>
              <span class="when">{f.reason}</span>
            </div>
            <div class="msg-text">{f.text}</div>
          </li>
        ))}
        {typing && (
          <li class="typing" data-testid="typing-indicator">
            {t('thread.typing')}
          </li>
        )}
        <li ref={end} class="end" aria-hidden="true" />
      </ol>
      {mine && paying && settings && (
        <PaymentForm
          settings={settings}
          onRequest={(body) => client.requestPayment(c.id, body)}
          onClose={() => setPaying(false)}
        />
      )}
      {canTransfer && transferring && (
        <TransferForm client={client} conversation={c} onClose={() => setTransferring(false)} />
      )}
      <NoteBox key={`note-${c.id}`} onAdd={(id, text) => client.addNote(c.id, id, text)} />
      <TranscriptBox key={`transcript-${c.id}`} onSend={(to) => client.sendTranscript(c.id, to)} />
      {mine && <AttachBar conversationId={c.id} />}
      {replying ? (
        <ReplyBox
          key={c.id}
          draftKey={c.id}
          onSend={(text) => client.send(c.id, text)}
          onTyping={(on) => client.typing(c.id, on)}
          canned={client.canned}
          receiver={visitorName(c)}
          badge={<VerifiedBadge c={c} />}
          vars={{
            'visitor.name': visitorName(c),
            'agent.name': client.me.name,
            'organisation.name': client.organisationName,
          }}
        />
      ) : canJoin ? (
        <WatchNote c={c} />
      ) : (
        <p class="readonly-note">
          {c.status === 'waiting'
            ? t('thread.acceptToReply')
            : c.status === 'closed'
              ? t('thread.isClosed')
              : t('thread.otherAgent')}
        </p>
      )}
    </section>
  );
}
