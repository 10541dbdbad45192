import type { AccountSession } from '@parley/protocol';
import type { AgentSessionView } from '../../store';
import { sha256Hex } from '../../lib/tokens';
import { describeDevice } from './user-agent';

/** The public id of a session: derived from its stored hash, so neither the token nor the key leaves. */
export const sessionPublicId = (tokenHash: string) =>
  sha256Hex(`parley:session-id:${tokenHash}`).slice(0, 32);

export function presentAccountSession(s: AgentSessionView, currentHash: string): AccountSession {
  return {
    id: sessionPublicId(s.tokenHash),
    current: s.tokenHash === currentHash,
    device: describeDevice(s.userAgent),
    ip: s.ip,
    createdAt: s.createdAt,
    lastSeenAt: s.lastSeenAt,
    locked: s.lockedAt !== null,
  };
}
