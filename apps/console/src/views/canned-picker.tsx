import { useState } from 'preact/hooks';
import { searchCannedReplies, type CannedReply } from '@parley/protocol';
import { t } from '../i18n';

/** The canned replies matching `/word` typed at the start of an empty reply, or null. */
export function slashQuery(text: string): string | null {
  const m = /^\/(\S*)$/.exec(text);
  return m ? (m[1] ?? '') : null;
}

/** Suggestions under the reply box while the agent types `/shortcut`: Enter or a click inserts. */
export function CannedSuggestions({
  list,
  active,
  onPick,
}: {
  list: CannedReply[];
  active: number;
  onPick: (r: CannedReply) => void;
}) {
  return (
    <ul
      class="canned-suggest"
      id="canned-suggest"
      role="listbox"
      aria-label={t('thread.cannedReplies')}
    >
      {list.map((r, i) => (
        <li
          key={r.id}
          id={`canned-opt-${r.id}`}
          role="option"
          aria-selected={i === active}
          class={i === active ? 'active' : ''}
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(r);
          }}
        >
          <strong>/{r.shortcut}</strong> <span>{r.title}</span>
        </li>
      ))}
    </ul>
  );
}

/** The picker with search: every canned reply of the organisation (and of the agent's teams). */
export function CannedPicker({
  replies,
  onPick,
  onClose,
}: {
  replies: CannedReply[];
  onPick: (r: CannedReply) => void;
  onClose: () => void;
}) {
  const [q, setQ] = useState('');
  const found = searchCannedReplies(replies, q);
  return (
    <div class="canned-picker" data-testid="canned-picker">
      <label for="canned-search">{t('thread.cannedSearch')}</label>
      <input
        id="canned-search"
        type="search"
        value={q}
        // The picker opens on request: the search field takes the focus at once.
        autoFocus
        onInput={(e) => setQ(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
          if (e.key === 'Enter') {
            e.preventDefault();
            const first = found[0];
            if (first) onPick(first);
          }
        }}
      />
      {found.length === 0 ? (
        <p class="hint">{t('thread.cannedNone')}</p>
      ) : (
        <ul class="canned-results">
          {found.slice(0, 20).map((r) => (
            <li key={r.id}>
              <button type="button" class="btn canned-choice" onClick={() => onPick(r)}>
                <strong>/{r.shortcut}</strong> {r.title}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
