import type { ConsentRecord, ConsentSettings, WidgetConsent } from '@parley/protocol';
import type { ConsentRow, ConsentSettingsRow, ConsentVersionRow } from '../../store';

/** What the widget shows before the first message. */
export function presentWidgetConsent(s: ConsentSettingsRow): WidgetConsent {
  return {
    required: s.required,
    version: s.current.version,
    text: s.current.text,
    privacyUrl: s.current.privacyUrl,
  };
}

export function presentConsentSettings(
  s: ConsentSettingsRow,
  versions: ConsentVersionRow[],
): ConsentSettings {
  return {
    ...presentWidgetConsent(s),
    onWithdrawal: s.onWithdrawal,
    updatedAt: s.updatedAt,
    versions: versions.map((v) => ({
      version: v.version,
      text: v.text,
      privacyUrl: v.privacyUrl,
      createdAt: v.createdAt,
    })),
  };
}

/** A recorded consent: never its sealed evidence. */
export function presentConsent(
  row: ConsentRow,
  text: string | null,
  privacyUrl: string | null,
): ConsentRecord {
  return {
    id: row.id,
    conversationId: row.conversationId,
    version: row.version,
    givenAt: row.givenAt,
    withdrawnAt: row.withdrawnAt,
    text,
    privacyUrl,
  };
}
