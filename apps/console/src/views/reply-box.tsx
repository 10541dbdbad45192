import { useRef, useState } from 'preact/hooks';
import { draftOf, keepDraft } from '../lib/drafts';

interface Props {
  onSend: (text: string) => void;
  onTyping: (typing: boolean) => void;
  /** Keeps the draft across unmounts (the idle lock) under this key, e.g. the conversation id. */
  draftKey?: string;
}

// Mirrors LIMITS.maxTextLength (@parley/protocol); the server enforces it.
const MAX_TEXT_LENGTH = 4000;

export function ReplyBox({ onSend, onTyping, draftKey }: Props) {
  const [text, setTextState] = useState(() => draftOf(draftKey));
  const setText = (t: string): void => {
    keepDraft(draftKey, t);
    setTextState(t);
  };
  const input = useRef<HTMLTextAreaElement>(null);
  const submit = (): void => {
    const t = text.trim();
    if (!t) return;
    onSend(t);
    setText('');
    input.current?.focus();
  };
  return (
    <form
      class="reply"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label for="reply-input" class="visually-hidden">
        Reply
      </label>
      <textarea
        id="reply-input"
        ref={input}
        rows={3}
        maxLength={MAX_TEXT_LENGTH}
        placeholder="Write a reply… (Enter to send, Shift+Enter for a new line)"
        value={text}
        onInput={(e) => {
          setText(e.currentTarget.value);
          onTyping(e.currentTarget.value.length > 0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
      />
      <button type="submit" class="btn primary" disabled={text.trim() === ''}>
        Send
      </button>
    </form>
  );
}
