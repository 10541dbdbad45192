import type { AgentAdminView } from '@parley/protocol';
import type { AgentRow } from '../../store';

export function presentAgentAdmin(
  a: AgentRow,
  extra: { mfaEnabled: boolean; locked: boolean },
): AgentAdminView {
  return {
    id: a.id,
    email: a.email,
    name: a.name,
    role: a.role,
    active: a.active,
    mfaEnabled: extra.mfaEnabled,
    locked: extra.locked,
    createdAt: a.createdAt,
  };
}
