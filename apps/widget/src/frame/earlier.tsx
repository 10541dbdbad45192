import { useEffect, useState } from 'preact/hooks';
import type { VisitorConversation } from '@parley/protocol';
import { visitorApi } from './api';
import { formatDate, t } from './i18n';

interface Props {
  token: string;
  /** The conversation on screen (left out of the list); null on the start form. */
  currentId: string | null;
  /** `openElsewhere`: an old one is shown while another is still open (no "start new" then). */
  onOpen: (c: VisitorConversation, openElsewhere: boolean) => void;
}

/**
 * The visitor's other conversations (docs/widget.md "Continuity"): after one was closed and a
 * new one started, the old one stays readable; from an old one, back to the open one.
 */
export function EarlierConversations({ token, currentId, onOpen }: Props) {
  const [list, setList] = useState<VisitorConversation[]>([]);
  useEffect(() => {
    let live = true;
    visitorApi.conversations(token).then(
      (r) => live && setList(r.conversations),
      () => undefined, // the list is a convenience: without it the chat still works
    );
    return () => {
      live = false;
    };
  }, [token, currentId]);
  const others = list
    .filter((c) => c.id !== currentId)
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, 10);
  if (others.length === 0) return null;
  const open = others.find((c) => c.status !== 'closed');
  const closed = others.filter((c) => c.status === 'closed');
  // The one on screen counts too: reading an old one from the open chat leaves that one open.
  const anyOpen = list.some((c) => c.status !== 'closed');
  return (
    <nav class="earlier" data-testid="earlier-conversations" aria-label={t('app.earlier')}>
      {open && (
        <button type="button" class="link" onClick={() => onOpen(open, false)}>
          {t('app.backToCurrent')}
        </button>
      )}
      {closed.length > 0 && (
        <details open={currentId === null}>
          <summary id="earlier-title">{t('app.earlier')}</summary>
          <ul>
            {closed.map((c) => (
              <li key={c.id}>
                <button type="button" class="link" onClick={() => onOpen(c, anyOpen)}>
                  {t('app.startedAt', { date: formatDate(c.createdAt) })}
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </nav>
  );
}
