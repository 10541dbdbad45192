import type { SecuritySettings } from '@parley/protocol';
import type { OrgSecurityRow } from '../../store';

/** The webhook secret never leaves the server; only whether one is set. */
export function presentSecuritySettings(s: OrgSecurityRow): SecuritySettings {
  return {
    mfaPolicy: s.mfaPolicy,
    ipAllowlist: s.ipAllowlist,
    webhookUrl: s.webhookUrl,
    webhookSecretSet: s.webhookSecret !== null,
    idleMinutes: s.idleMinutes,
  };
}
