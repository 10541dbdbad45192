import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import {
  fillCannedReply,
  searchCannedReplies,
  type CannedReply,
  type CannedVariables,
} from '@parley/protocol';
import { draftOf, keepDraft } from '../lib/drafts';
import { copiedFromElsewhere } from '../lib/receiver';
import { CannedPicker, CannedSuggestions, slashQuery } from './canned-picker';
import { ConfirmDialog } from './confirm-dialog';
import { t } from '../i18n';

interface Props {
  onSend: (text: string) => void;
  onTyping: (typing: boolean) => void;
  /** Keeps the draft across unmounts (the idle lock) under this key, e.g. the conversation id. */
  draftKey?: string;
  /** Canned replies offered by `/shortcut` and the picker, and the values of their variables. */
  canned?: CannedReply[];
  vars?: CannedVariables;
  /** Who receives the reply (issue 14 item 9): named above the box, on the button and aloud. */
  receiver: string;
  /** The receiver's verified badge, when the website vouched for them. */
  badge?: ComponentChildren;
}

interface PasteAsk {
  text: string;
  from: string;
  start: number;
  end: number;
}

// Mirrors LIMITS.maxTextLength (@parley/protocol); the server enforces it.
const MAX_TEXT_LENGTH = 4000;

export function ReplyBox({
  onSend,
  onTyping,
  draftKey,
  canned = [],
  vars,
  receiver,
  badge,
}: Props) {
  const [text, setTextState] = useState(() => draftOf(draftKey));
  const [announce, setAnnounce] = useState('');
  const [pasteAsk, setPasteAsk] = useState<PasteAsk | null>(null);
  // Said after the box appears (a live region's first content is not read out).
  useEffect(() => {
    const timer = setTimeout(() => setAnnounce(t('thread.replyingTo', { name: receiver })), 50);
    return () => clearTimeout(timer);
  }, [receiver, draftKey]);
  const [active, setActive] = useState(0);
  const [picking, setPicking] = useState(false);
  const setText = (t: string): void => {
    keepDraft(draftKey, t);
    setTextState(t);
  };
  const input = useRef<HTMLTextAreaElement>(null);
  const query = slashQuery(text);
  const suggestions = query === null ? [] : searchCannedReplies(canned, query).slice(0, 6);
  const activeIndex = Math.min(active, Math.max(0, suggestions.length - 1));
  // The reply is only inserted: the agent reads it (and the filled variables) before sending.
  const insert = (r: CannedReply): void => {
    const filled = vars ? fillCannedReply(r.body, vars) : r.body;
    setText(query === null && text.trim() !== '' ? `${text} ${filled}` : filled);
    setActive(0);
    setPicking(false);
    input.current?.focus();
  };
  const submit = (): void => {
    const body = text.trim();
    if (!body) return;
    onSend(body);
    setText('');
    setAnnounce(t('thread.sentTo', { name: receiver }));
    input.current?.focus();
  };
  const onPaste = (e: ClipboardEvent): void => {
    const pasted = e.clipboardData?.getData('text/plain') ?? '';
    const from = draftKey === undefined ? null : copiedFromElsewhere(draftKey, pasted);
    if (from === null || !input.current) return;
    e.preventDefault();
    const { selectionStart: start, selectionEnd: end } = input.current;
    setPasteAsk({ text: pasted, from, start, end });
  };
  const confirmPaste = (ask: PasteAsk): void => {
    setPasteAsk(null);
    setText(text.slice(0, ask.start) + ask.text + text.slice(ask.end));
    input.current?.focus();
  };
  return (
    <div class="reply-wrap">
      {pasteAsk && (
        <ConfirmDialog
          title={t('thread.pasteTitle')}
          confirmLabel={t('thread.pasteConfirm', { name: receiver })}
          onConfirm={() => confirmPaste(pasteAsk)}
          onCancel={() => {
            setPasteAsk(null);
            input.current?.focus();
          }}
        >
          <p>{t('thread.pasteText', { from: pasteAsk.from, name: receiver })}</p>
        </ConfirmDialog>
      )}
      <p class="reply-to" data-testid="reply-receiver">
        {t('thread.to')} <strong>{receiver}</strong> {badge}
      </p>
      <p class="visually-hidden" aria-live="polite" data-testid="receiver-announce">
        {announce}
      </p>
      {picking && (
        <CannedPicker replies={canned} onPick={insert} onClose={() => setPicking(false)} />
      )}
      {suggestions.length > 0 && (
        <CannedSuggestions list={suggestions} active={activeIndex} onPick={insert} />
      )}
      <form
        class="reply"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label for="reply-input" class="visually-hidden">
          {t('thread.replyTo', { name: receiver })}
        </label>
        <textarea
          id="reply-input"
          ref={input}
          rows={3}
          maxLength={MAX_TEXT_LENGTH}
          placeholder={t('thread.replyPlaceholder')}
          value={text}
          aria-controls={suggestions.length > 0 ? 'canned-suggest' : undefined}
          aria-activedescendant={
            suggestions[activeIndex] ? `canned-opt-${suggestions[activeIndex].id}` : undefined
          }
          onPaste={onPaste}
          onInput={(e) => {
            setText(e.currentTarget.value);
            setActive(0);
            onTyping(e.currentTarget.value.length > 0);
          }}
          onKeyDown={(e) => {
            if (suggestions.length > 0) {
              if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                e.preventDefault();
                const step = e.key === 'ArrowDown' ? 1 : suggestions.length - 1;
                setActive((activeIndex + step) % suggestions.length);
                return;
              }
              const chosen = suggestions[activeIndex];
              if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey && chosen) {
                e.preventDefault();
                insert(chosen);
                return;
              }
            }
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
        />
        <div class="reply-buttons">
          {canned.length > 0 && (
            <button
              type="button"
              class="btn"
              aria-expanded={picking}
              onClick={() => setPicking(!picking)}
            >
              {t('thread.cannedReplies')}
            </button>
          )}
          <button
            type="submit"
            class="btn primary send-to"
            disabled={text.trim() === ''}
            data-testid="send-button"
          >
            {t('thread.sendTo', { name: receiver })}
          </button>
        </div>
      </form>
    </div>
  );
}
