import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatMessage, ConversationSummary } from '@parley/protocol';
import type { ConsoleClient } from '../lib/client';
import { maskedLabel } from '../lib/state';
import { timeOf, visitorName } from './format';
import { ReplyBox } from './reply-box';

interface Props {
  client: ConsoleClient;
  conversation: ConversationSummary;
}

function Message({ m, visitor }: { m: ChatMessage; visitor: string }) {
  const label = maskedLabel(m.masked);
  const who = m.sender.kind === 'visitor' ? visitor : m.sender.kind === 'agent' ? (m.sender.name ?? 'Agent') : 'System';
  return (
    <li class={`msg ${m.sender.kind}`} data-testid="message" data-sender={m.sender.kind} data-seq={m.seq}>
      <div class="msg-head">
        <span class="who">{who}</span>
        <span class="when">{timeOf(m.createdAt)}</span>
        {label && (
          <span class="badge-masked" data-testid="masked-badge" title={label}>
            sensitive data hidden
          </span>
        )}
      </div>
      <div class="msg-text">{m.text}</div>
    </li>
  );
}

export function ConversationPane({ client, conversation: c }: Props) {
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const end = useRef<HTMLLIElement>(null);
  const s = client.state;
  const messages = s.messages[c.id] ?? [];
  const pending = s.pending[c.id] ?? [];
  const failed = s.failed[c.id] ?? [];
  const typing = s.visitorTyping[c.id] === true;
  const mine = c.status === 'active' && c.agent?.id === client.me.id;

  useEffect(() => setActionError(null), [c.id]);
  useEffect(() => end.current?.scrollIntoView({ block: 'end' }), [messages.length, pending.length, typing, c.id]);

  const act = async (fn: () => Promise<string | null>): Promise<void> => {
    setBusy(true);
    setActionError(await fn());
    setBusy(false);
  };

  return (
    <section class="pane" data-testid="conversation-view" data-conversation-id={c.id} data-status={c.status} aria-label={`Conversation with ${visitorName(c)}`}>
      <header class="pane-head">
        <div>
          <h1>{visitorName(c)}</h1>
          <p class="pane-sub">
            <span class={`pill ${c.status}`} data-testid="conversation-status">
              {c.status}
            </span>
            {c.agent ? ` Assigned to ${c.agent.id === client.me.id ? 'you' : c.agent.name}` : ' Not assigned'}
          </p>
        </div>
        <div class="actions">
          {c.status === 'waiting' && (
            <button type="button" class="btn primary" disabled={busy} onClick={() => void act(() => client.accept(c.id))}>
              Accept
            </button>
          )}
          {mine && (
            <button type="button" class="btn" disabled={busy} onClick={() => void act(() => client.close(c.id))}>
              Close conversation
            </button>
          )}
        </div>
      </header>
      {actionError && (
        <p class="banner error" role="alert" data-testid="action-error">
          {actionError}
        </p>
      )}
      <ol class="thread" role="log" aria-live="polite" aria-label="Messages">
        {messages.length === 0 && pending.length === 0 && <li class="empty">No messages yet.</li>}
        {messages.map((m) => (
          <Message key={m.seq} m={m} visitor={visitorName(c)} />
        ))}
        {pending.map((p) => (
          <li key={p.clientMsgId} class="msg agent pending" data-testid="message" data-sender="agent" data-state="pending">
            <div class="msg-head">
              <span class="who">You</span>
              <span class="when">Sending…</span>
            </div>
            <div class="msg-text">{p.text}</div>
          </li>
        ))}
        {failed.map((f, i) => (
          <li key={`f${i}`} class="msg agent failed" data-testid="message" data-sender="agent" data-state="failed">
            <div class="msg-head">
              <span class="who">Not sent</span>
              <span class="when">{f.reason}</span>
            </div>
            <div class="msg-text">{f.text}</div>
          </li>
        ))}
        {typing && (
          <li class="typing" data-testid="typing-indicator">
            Visitor is typing…
          </li>
        )}
        <li ref={end} class="end" aria-hidden="true" />
      </ol>
      {mine ? (
        <ReplyBox key={c.id} onSend={(t) => client.send(c.id, t)} onTyping={(t) => client.typing(c.id, t)} />
      ) : (
        <p class="readonly-note">
          {c.status === 'waiting' ? 'Accept this conversation to reply.' : c.status === 'closed' ? 'This conversation is closed.' : 'Another agent is handling this conversation.'}
        </p>
      )}
    </section>
  );
}
