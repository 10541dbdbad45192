import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_TEXT_LENGTH } from './limits';
import { foundCard, maskText, type MaskResult } from './masker';
import { t } from './i18n';

interface Props {
  disabled: boolean;
  onSend: (text: string, masked: string[]) => void;
  onTyping: (typing: boolean) => void;
  /** Focus the input when it appears (the visitor just started the chat with the panel open). */
  focusOnMount: boolean;
}

export function Composer({ disabled, onSend, onTyping, focusOnMount }: Props) {
  const [text, setText] = useState('');
  const [warning, setWarning] = useState<MaskResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (focusOnMount) input.current?.focus();
  }, []);

  const finish = (result: MaskResult): void => {
    onSend(result.text, [...new Set(result.findings.map((f) => f.type))]);
    setText('');
    setWarning(null);
    input.current?.focus();
  };

  const submit = (): void => {
    const trimmed = text.trim();
    if (!trimmed || disabled) return;
    let result: MaskResult;
    try {
      result = maskText(trimmed);
    } catch {
      // Fail closed: a message that could not be checked is not sent.
      setError(t('composer.checkFailed'));
      return;
    }
    // Warn before the number leaves the browser; only masked text is ever sent.
    if (foundCard(result.findings)) setWarning(result);
    else finish(result);
  };

  return (
    <div class="composer-wrap">
      {warning && (
        <div class="mask-warning" role="alert" data-testid="mask-warning">
          <p>
            <strong>{t('composer.cardTitle')}</strong> {t('composer.cardBody')}
          </p>
          <div class="mask-actions">
            <button type="button" class="btn primary" onClick={() => finish(warning)}>
              {t('composer.sendHidden')}
            </button>
            <button
              type="button"
              class="btn"
              onClick={() => {
                setWarning(null);
                input.current?.focus();
              }}
            >
              {t('composer.edit')}
            </button>
          </div>
        </div>
      )}
      {error && (
        <p class="composer-error" role="alert">
          {error}
        </p>
      )}
      <form
        class="composer"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label class="visually-hidden" for="composer-input">
          {t('composer.label')}
        </label>
        <textarea
          id="composer-input"
          ref={input}
          rows={2}
          maxLength={MAX_TEXT_LENGTH}
          placeholder={disabled ? t('composer.ended') : t('composer.placeholder')}
          disabled={disabled}
          value={text}
          onInput={(e) => {
            const value = e.currentTarget.value;
            setText(value);
            setWarning(null);
            setError(null);
            onTyping(value.length > 0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
        />
        <button type="submit" class="btn primary send" disabled={disabled || text.trim() === ''}>
          {t('composer.send')}
        </button>
      </form>
    </div>
  );
}
