import { useEffect, useRef, useState } from 'preact/hooks';
import type {
  ChatMessage,
  ConversationStatus,
  HistoryItem,
  HistoryQueryInput,
  SessionInfo,
  Team,
} from '@parley/protocol';
import { historyApi } from '../lib/history-api';
import { routingApi } from '../lib/routing-api';
import { intlLocale, t } from '../i18n';
import { MessageText } from './message-text';
import { SettingsHeader } from './settings-header';
import './history.css';

const DAY = 86_400_000;
const dayStart = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
type Tri = '' | 'true' | 'false';
const tri = (v: Tri) => (v === '' ? undefined : v === 'true');

interface Filters {
  q: string;
  status: '' | ConversationStatus;
  teamId: string;
  fromDay: string;
  toDay: string;
  rating: string;
  verified: Tri;
  hasPayment: Tri;
  hasFile: Tri;
}
const EMPTY: Filters = {
  q: '',
  status: '',
  teamId: '',
  fromDay: '',
  toDay: '',
  rating: '',
  verified: '',
  hasPayment: '',
  hasFile: '',
};

function toQuery(f: Filters, cursor?: string): HistoryQueryInput {
  const verified = tri(f.verified);
  const hasPayment = tri(f.hasPayment);
  const hasFile = tri(f.hasFile);
  return {
    ...(f.q.trim() !== '' && { q: f.q.trim() }),
    ...(f.status !== '' && { status: [f.status] }),
    ...(f.teamId !== '' && { teamId: f.teamId }),
    ...(f.fromDay !== '' && { from: dayStart(f.fromDay) }),
    ...(f.toDay !== '' && { to: dayStart(f.toDay) + DAY }),
    ...(f.rating !== '' && { rating: Number(f.rating) }),
    ...(verified !== undefined && { verified }),
    ...(hasPayment !== undefined && { hasPayment }),
    ...(hasFile !== undefined && { hasFile }),
    ...(cursor !== undefined && { cursor }),
    limit: 25,
  };
}

const statusLabel = (s: ConversationStatus) =>
  s === 'waiting'
    ? t('history.waiting')
    : s === 'active'
      ? t('history.active')
      : t('history.closed');
const senderLabel = (k: ChatMessage['sender']['kind']) =>
  k === 'visitor'
    ? t('history.sender.visitor')
    : k === 'agent'
      ? t('history.sender.agent')
      : t('history.sender.system');

const when = (ms: number) =>
  new Intl.DateTimeFormat(intlLocale, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);

/**
 * History (issue 14 item 10, docs/search.md): every conversation of the organisation, newest
 * first, with filters and a search over message words (a blind index on the server), by cursor.
 * A conversation opens read-only beside the list.
 */
export function HistoryPage({ session }: { session: SessionInfo }) {
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const latest = useRef(0);
  const [teams, setTeams] = useState<Team[]>([]);
  const [rows, setRows] = useState<HistoryItem[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<{ item: HistoryItem; messages: ChatMessage[] } | null>(null);
  const set = <K extends keyof Filters>(k: K, v: Filters[K]) => setFilters({ ...filters, [k]: v });

  const load = (cursor?: string) => {
    setError(null);
    // Only the newest request's answer is shown: an older one arriving late must not replace it.
    const request = ++latest.current;
    historyApi.page(toQuery(filters, cursor)).then(
      (page) => {
        if (request !== latest.current) return;
        setRows((prev) => (cursor ? [...(prev ?? []), ...page.conversations] : page.conversations));
        setNext(page.next);
      },
      () => setError(t('history.loadFailed')),
    );
  };
  const show = (item: HistoryItem) =>
    historyApi.transcript(item.id).then(
      (messages) => setOpen({ item, messages }),
      () => setError(t('history.openFailed')),
    );

  useEffect(() => {
    document.title = `${t('history.title')} · Parley`;
    load();
    routingApi.teams().then(setTeams, () => setTeams([]));
  }, []);

  const triSelect = (k: 'verified' | 'hasPayment' | 'hasFile', label: string) => (
    <label>
      {label}
      <select value={filters[k]} onChange={(e) => set(k, e.currentTarget.value as Tri)}>
        <option value="">{t('history.any')}</option>
        <option value="true">{t('history.yes')}</option>
        <option value="false">{t('history.no')}</option>
      </select>
    </label>
  );

  return (
    <div class="app admin">
      <SettingsHeader session={session} links={[['/', t('history.back')]]} />
      <main class="admin-main history" data-testid="history">
        <h1>{t('history.title')}</h1>
        <form
          class="history-filters"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            load();
          }}
        >
          <label>
            {t('history.search')}
            <input
              type="search"
              value={filters.q}
              maxLength={200}
              onInput={(e) => set('q', e.currentTarget.value)}
            />
          </label>
          <label>
            {t('history.status')}
            <select
              value={filters.status}
              onChange={(e) => set('status', e.currentTarget.value as Filters['status'])}
            >
              <option value="">{t('history.any')}</option>
              <option value="waiting">{t('history.waiting')}</option>
              <option value="active">{t('history.active')}</option>
              <option value="closed">{t('history.closed')}</option>
            </select>
          </label>
          <label>
            {t('history.team')}
            <select value={filters.teamId} onChange={(e) => set('teamId', e.currentTarget.value)}>
              <option value="">{t('history.any')}</option>
              {teams.map((team) => (
                <option key={team.id} value={team.id}>
                  {team.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('history.from')}
            <input
              type="date"
              value={filters.fromDay}
              onInput={(e) => set('fromDay', e.currentTarget.value)}
            />
          </label>
          <label>
            {t('history.to')}
            <input
              type="date"
              value={filters.toDay}
              onInput={(e) => set('toDay', e.currentTarget.value)}
            />
          </label>
          <label>
            {t('history.rating')}
            <select value={filters.rating} onChange={(e) => set('rating', e.currentTarget.value)}>
              <option value="">{t('history.any')}</option>
              {[5, 4, 3, 2, 1].map((n) => (
                <option key={n} value={String(n)}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          {triSelect('verified', t('history.verified'))}
          {triSelect('hasPayment', t('history.hasPayment'))}
          {triSelect('hasFile', t('history.hasFile'))}
          <button type="submit" class="btn">
            {t('history.submit')}
          </button>
        </form>
        {error && <p role="alert">{error}</p>}
        {rows === null && !error && <p role="status">{t('history.loading')}</p>}
        {rows !== null && rows.length === 0 && <p role="status">{t('history.none')}</p>}
        {rows !== null && rows.length > 0 && (
          <ul class="history-list" data-testid="history-results" aria-label={t('history.results')}>
            {rows.map((r) => (
              <li key={r.id} data-testid="history-item">
                <button type="button" class="link" onClick={() => void show(r)}>
                  {r.visitorName ?? t('history.anonymous')}
                </button>{' '}
                <span>
                  {when(r.createdAt)} · {statusLabel(r.status)}
                  {r.verified && ` · ${t('history.verifiedBadge')}`}
                  {r.rating !== null && ` · ${t('history.rated', { score: r.rating })}`}
                </span>
              </li>
            ))}
          </ul>
        )}
        {next !== null && (
          <button type="button" class="btn" onClick={() => load(next)}>
            {t('history.more')}
          </button>
        )}
        {open && (
          <section
            class="history-transcript"
            data-testid="history-transcript"
            aria-label={t('history.transcript', { name: open.item.visitorName ?? '' })}
          >
            <h2>{t('history.transcript', { name: open.item.visitorName ?? '' })}</h2>
            <p>{t('history.readOnly')}</p>
            <ol>
              {open.messages.map((m) => (
                <li key={m.id} data-testid="history-message">
                  <strong>{m.sender.name ?? senderLabel(m.sender.kind)}:</strong>{' '}
                  <MessageText text={m.text} />
                </li>
              ))}
            </ol>
          </section>
        )}
      </main>
    </div>
  );
}
