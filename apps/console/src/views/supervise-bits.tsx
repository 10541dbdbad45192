import { useEffect, useState } from 'preact/hooks';
import type { ConversationSummary, Participant } from '@parley/protocol';
import { deskApi } from '../lib/desk-api';
import { errorOf } from '../lib/errors';
import { t } from '../i18n';

/**
 * Supervisors watch and join (docs/desk.md "Supervisors"). Whether the signed-in agent has
 * joined this conversation, read from the server on every open (so a reload keeps it), and
 * the act of joining.
 */
export function useJoined(c: ConversationSummary, meId: string) {
  const [participants, setParticipants] = useState<Participant[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setParticipants([]);
    setError(null);
    if (c.status !== 'active') return;
    let live = true;
    deskApi.participants(c.id).then(
      (p) => live && setParticipants(p),
      () => live && setParticipants([]),
    );
    return () => {
      live = false;
    };
  }, [c.id, c.status]);
  const joined = participants.some((p) => p.agent.id === meId);
  const join = async (): Promise<void> => {
    try {
      setParticipants(await deskApi.join(c.id));
      setError(null);
    } catch (e) {
      setError(errorOf(e));
    }
  };
  return { joined, join, error };
}

/** Under a watched conversation: who holds it, and that joining is announced to the visitor. */
export function WatchNote({ c }: { c: ConversationSummary }) {
  return (
    <p class="readonly-note" data-testid="watching-note">
      {t('thread.watching', { name: c.agent?.name ?? t('thread.anotherAgent') })}
    </p>
  );
}
