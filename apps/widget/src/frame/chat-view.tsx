import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { VisitorChat } from './chat-client';
import { openPayWindow } from './pay-window';
import { unreadCount, type ChatState } from './chat-state';
import { Composer } from './composer';
import { AttachControl } from './attachments';
import { MessageList } from './message-list';
import { ConsentWithdraw } from './consent-withdraw';
import { EndOfChat } from './end-of-chat';
import type { Outbox } from './outbox';
import type { VisitorStore } from './session';
import type { SocketStatus } from '@parley/realtime-client';
import { connectionText } from './connection-text';

interface Props {
  token: string;
  conversationId: string;
  startedClosed: boolean;
  greeting: string;
  outbox: Outbox;
  store: VisitorStore;
  panelOpen: boolean;
  onUnread: (count: number) => void;
  onExpired: () => void;
  onForbidden: () => void;
  /** The server closed with 4403 (`chat_unavailable`): a neutral "not available" (docs/widget.md). */
  onUnavailable: () => void;
  /** null while an old conversation is read and another is open. */
  onNewConversation: (() => void) | null;
  /** The visitor's other conversations: old ones to read, or back to the open one (docs/widget.md). */
  earlier: ComponentChildren;
  takeIdentity: () => string | null;
  /** The organisation asks for consent: the visitor may withdraw it here. */
  consent: boolean;
  onConsentWithdrawn: (outcome: 'erased' | 'closed') => void;
}

function wsUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/visitor`;
}

export function ChatView(p: Props) {
  const [state, setState] = useState<ChatState | null>(null);
  const [status, setStatus] = useState<SocketStatus>('connecting');
  const chat = useRef<VisitorChat | null>(null);
  const memo = useRef(p.store.conversation(p.conversationId));
  const props = useRef(p);
  props.current = p;
  const [, tick] = useState(0);

  // The countdown of "Reconnecting in N s" moves once a second.
  useEffect(() => {
    if (status !== 'reconnecting') return;
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [status]);

  useEffect(() => {
    const c = new VisitorChat({
      wsUrl: wsUrl(),
      token: p.token,
      conversationId: p.conversationId,
      outbox: p.outbox,
      localMasked: memo.current.masked,
      takeIdentity: () => props.current.takeIdentity(),
      onChange: (s, st) => {
        setState(s);
        setStatus(st);
      },
      onFatal: (code) =>
        code === 4403
          ? props.current.onUnavailable()
          : code === 4003
            ? props.current.onForbidden()
            : props.current.onExpired(),
    });
    chat.current = c;
    setState(c.state);
    c.start();
    const online = (): void => c.retryNow();
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('online', online);
      c.stop();
      chat.current = null;
    };
  }, [p.token, p.conversationId, p.outbox]);

  // Read marks and the launcher's unread badge.
  useEffect(() => {
    if (!state) return;
    const visible = p.panelOpen && document.visibilityState === 'visible';
    const m = memo.current;
    if (visible && state.lastSeq > m.readSeq && status === 'connected') {
      memo.current = { ...m, readSeq: state.lastSeq };
      chat.current?.markRead(state.lastSeq);
    }
    if (state.localMasked !== m.masked)
      memo.current = { ...memo.current, masked: state.localMasked };
    if (memo.current !== m) p.store.saveConversation(p.conversationId, memo.current);
    p.onUnread(visible ? 0 : unreadCount(state.messages, memo.current.readSeq));
  }, [state, p.panelOpen, status]);

  if (!state) return null;
  const closed = state.closed || p.startedClosed;
  return (
    <div class="chat">
      <p class={`status ${status}`} data-testid="connection-status" role="status">
        {connectionText(status, chat.current?.retryAt ?? null)}
      </p>
      <MessageList
        greeting={p.greeting}
        state={state}
        token={p.token}
        onPay={(payment) =>
          openPayWindow(
            p.token,
            p.conversationId,
            payment.id,
            () => void chat.current?.loadPayments(),
          )
        }
      />
      {closed ? (
        <>
          <EndOfChat
            token={p.token}
            conversationId={p.conversationId}
            onNewConversation={p.onNewConversation}
          />
        </>
      ) : (
        <>
          <AttachControl token={p.token} conversationId={p.conversationId} />
          <Composer
            disabled={false}
            focusOnMount={p.panelOpen}
            onSend={(text, masked) => chat.current?.send(text, masked)}
            onTyping={(typing) => chat.current?.setTyping(typing)}
          />
        </>
      )}
      {p.earlier}
      {p.consent && (
        <ConsentWithdraw
          token={p.token}
          conversationId={p.conversationId}
          onWithdrawn={p.onConsentWithdrawn}
        />
      )}
    </div>
  );
}
