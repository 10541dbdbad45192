import type { ConversationSummary } from '@parley/protocol';
import type { ConversationLists } from '../lib/state';
import { timeOf, visitorName } from './format';
import { VerifiedBadge } from './verified-badge';
import { t } from '../i18n';

interface Props {
  lists: ConversationLists;
  selectedId: string | null;
  unread: Record<string, number>;
  onSelect: (id: string) => void;
}

function Section(
  p: { title: string; testId: string; items: ConversationSummary[]; empty: string } & Omit<
    Props,
    'lists'
  >,
) {
  return (
    <section class="list-section" aria-label={p.title}>
      <h2>
        {p.title} <span class="count">{p.items.length}</span>
      </h2>
      <ul class="conv-list" data-testid={p.testId}>
        {p.items.length === 0 && <li class="empty">{p.empty}</li>}
        {p.items.map((c) => {
          const unread = p.unread[c.id] ?? 0;
          return (
            <li key={c.id}>
              <button
                type="button"
                class={`conv-item${c.id === p.selectedId ? ' selected' : ''}`}
                aria-current={c.id === p.selectedId ? 'true' : undefined}
                data-testid="conversation-item"
                data-conversation-id={c.id}
                onClick={() => p.onSelect(c.id)}
              >
                <span class="conv-name">
                  {visitorName(c)} <VerifiedBadge c={c} />
                </span>
                <span class="conv-meta">
                  {c.status === 'active' && c.agent ? `${c.agent.name} · ` : ''}
                  {timeOf(c.status === 'waiting' ? c.createdAt : c.updatedAt)}
                </span>
                {unread > 0 && (
                  <span class="unread" aria-label={t('workspace.unread', { count: unread })}>
                    {unread}
                  </span>
                )}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function Sidebar({ lists, ...rest }: Props) {
  return (
    <nav class="sidebar" aria-label={t('workspace.conversations')}>
      <Section
        title={t('workspace.waiting')}
        testId="queue-waiting"
        items={lists.waiting}
        empty={t('workspace.nobodyWaiting')}
        {...rest}
      />
      <Section
        title={t('workspace.mine')}
        testId="list-mine"
        items={lists.mine}
        empty={t('workspace.noActive')}
        {...rest}
      />
      {lists.others.length > 0 && (
        <Section
          title={t('workspace.others')}
          testId="list-others"
          items={lists.others}
          empty=""
          {...rest}
        />
      )}
      <Section
        title={t('workspace.closed')}
        testId="list-closed"
        items={lists.closed}
        empty={t('workspace.noClosed')}
        {...rest}
      />
    </nav>
  );
}
