import { useRef, useState } from 'preact/hooks';

interface Props {
  onSend: (text: string) => void;
  onTyping: (typing: boolean) => void;
}

// Mirrors LIMITS.maxTextLength (@parley/protocol); the server enforces it.
const MAX_TEXT_LENGTH = 4000;

export function ReplyBox({ onSend, onTyping }: Props) {
  const [text, setText] = useState('');
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
