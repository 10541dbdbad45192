import { useEffect, useRef } from 'preact/hooks';
import type { ChatMessage, PaymentSummary, SystemLineCode } from '@parley/protocol';
import { maskedKinds, maskedNotice, type ChatState } from './chat-state';
import { PaymentCard } from './payment-card';
import { FileBubble } from './attachments';
import { errorText, formatTime, t } from './i18n';

/** Catalog keys of the lines the server writes (SYSTEM_LINES in packages/protocol). */
const SYSTEM_KEYS: Record<SystemLineCode, string> = {
  talking_to: 'system.talkingTo',
  joined: 'system.joined',
  card_hidden: 'system.cardHidden',
};

/** A server-written line in the visitor's language; the stored English text for unknown ones. */
export function systemText(m: ChatMessage): string {
  return m.system ? t(SYSTEM_KEYS[m.system.code], m.system.params) : m.text;
}

function Delivered({ m, masked, brief }: { m: ChatMessage; masked: string[]; brief: boolean }) {
  // The safety notice speaks of what the visitor sent: it stands only under the visitor's own messages.
  const key = m.sender.kind === 'visitor' ? maskedNotice(masked) : null;
  const notice = key ? t(key) : null;
  if (m.sender.kind === 'system') {
    return (
      <li class="msg system" data-testid="message" data-sender="system" data-seq={m.seq}>
        {systemText(m)}
      </li>
    );
  }
  const mine = m.sender.kind === 'visitor';
  return (
    <li
      class={`msg ${mine ? 'mine' : 'theirs'}`}
      data-testid="message"
      data-sender={m.sender.kind}
      data-state="sent"
      data-seq={m.seq}
    >
      {!mine && <span class="who">{m.sender.name ?? t('messages.agent')}</span>}
      <div class="bubble">{m.text}</div>
      {notice && (
        <p
          class={`masked-notice${brief ? ' brief' : ''}`}
          data-testid="masked-notice"
          title={notice}
        >
          {brief ? t('messages.hiddenBrief') : notice}
        </p>
      )}
      <span class="meta">
        {mine ? t('messages.sent', { time: formatTime(m.createdAt) }) : formatTime(m.createdAt)}
      </span>
    </li>
  );
}

interface Props {
  greeting: string;
  state: ChatState;
  onPay: (p: PaymentSummary) => Promise<string | null>;
  /** The visitor's token, for file links. */
  token: string;
}

export function MessageList({ greeting, state, onPay, token }: Props) {
  const end = useRef<HTMLLIElement>(null);
  // The full explanation once, on the latest message that had something hidden.
  const latestMasked = [...state.messages]
    .reverse()
    .find((m) => maskedKinds(state, m).length > 0)?.seq;
  const count =
    state.messages.length +
    state.pending.length +
    state.failed.length +
    state.payments.length +
    state.files.length;
  // Payment cards sit in the thread where they were asked for.
  const thread = [
    ...state.messages.map((m) => ({ at: m.createdAt, m, p: null, f: null })),
    ...state.payments.map((p) => ({ at: p.createdAt, m: null, p, f: null })),
    ...state.files.map((f) => ({ at: f.createdAt, m: null, p: null, f })),
  ].sort((a, b) => a.at - b.at);
  useEffect(() => end.current?.scrollIntoView({ block: 'end' }), [count, state.agentTyping]);
  return (
    // A list, not role="log": a log's children are no list items (axe `listitem`). aria-live keeps
    // new messages announced; the scroller is focusable (axe `scrollable-region-focusable`).
    <ol class="messages" aria-live="polite" aria-label={t('messages.label')} tabIndex={0}>
      {greeting && <li class="msg system greeting">{greeting}</li>}
      {thread.map(({ m, p, f }) =>
        m ? (
          <Delivered
            key={`m${m.seq}`}
            m={m}
            masked={maskedKinds(state, m)}
            brief={m.seq !== latestMasked}
          />
        ) : p ? (
          <PaymentCard key={`p${p.id}`} p={p} onPay={onPay} />
        ) : f ? (
          <FileBubble key={`f${f.id}`} f={f} token={token} mine={f.uploader.kind === 'visitor'} />
        ) : null,
      )}
      {state.pending.map((p) => (
        <li
          key={p.clientMsgId}
          class="msg mine pending"
          data-testid="message"
          data-sender="visitor"
          data-state="pending"
        >
          <div class="bubble">{p.text}</div>
          <span class="meta">{t('messages.sending')}</span>
        </li>
      ))}
      {state.failed.map((f) => (
        <li
          key={f.clientMsgId}
          class="msg mine failed"
          data-testid="message"
          data-sender="visitor"
          data-state="failed"
        >
          <div class="bubble">{f.text}</div>
          <span class="meta">{t('messages.notSent', { reason: errorText(f.code) })}</span>
        </li>
      ))}
      {state.agentTyping && (
        <li class="typing" data-testid="typing-indicator">
          {t('messages.typing')}
        </li>
      )}
      <li ref={end} class="end" aria-hidden="true" />
    </ol>
  );
}
