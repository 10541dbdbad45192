import type { VisitorIdentitySettings } from '@parley/protocol';
import type { OrgVisitorIdentityRow } from '../../store';

/** The settings as admins see them: never the secret, only whether one is set. */
export function presentIdentitySettings(s: OrgVisitorIdentityRow): VisitorIdentitySettings {
  return {
    mode: s.mode,
    algorithm: s.algorithm,
    hasSecret: s.secret !== null,
    publicKey: s.publicKey,
    issuer: s.issuer,
    audience: s.audience,
    updatedAt: s.updatedAt,
  };
}
