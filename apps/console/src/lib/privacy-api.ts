import {
  ConsentSettingsSchema,
  ConversationConsentSchema,
  ErasurePreviewSchema,
  RetentionSettingsSchema,
  type ConsentRecord,
  type ConsentSettings,
  type ConsentSettingsUpdate,
  type DataSubjectLookup,
  type ErasurePreview,
  type RetentionSettings,
  type RetentionSettingsUpdate,
} from '@parley/protocol';
import { z } from 'zod';
import { call } from './api';

const EraseResultSchema = z.object({
  erased: z.object({
    conversations: z.number(),
    visitors: z.number(),
    messages: z.number(),
    keys: z.number(),
  }),
});

/** The privacy routes (apps/server/src/modules/consent, retention, privacy). */
export const privacyApi = {
  consent: (): Promise<ConsentSettings> => call(ConsentSettingsSchema, '/api/settings/consent'),
  saveConsent: (input: ConsentSettingsUpdate): Promise<ConsentSettings> =>
    call(ConsentSettingsSchema, '/api/settings/consent', 'PUT', input),
  ofConversation: async (conversationId: string): Promise<ConsentRecord | null> =>
    (
      await call(
        ConversationConsentSchema,
        `/api/conversations/${encodeURIComponent(conversationId)}/consent`,
      )
    ).consent,
  retention: (): Promise<RetentionSettings> =>
    call(RetentionSettingsSchema, '/api/settings/retention'),
  saveRetention: (input: RetentionSettingsUpdate): Promise<RetentionSettings> =>
    call(RetentionSettingsSchema, '/api/settings/retention', 'PUT', input),
  preview: (lookup: DataSubjectLookup): Promise<ErasurePreview> =>
    call(ErasurePreviewSchema, '/api/privacy/preview', 'POST', lookup),
  /** The export as the server writes it (JSON with an HTML transcript inside). */
  exportData: (lookup: DataSubjectLookup): Promise<unknown> =>
    call(z.unknown(), '/api/privacy/export', 'POST', lookup),
  erase: (lookup: DataSubjectLookup) =>
    call(EraseResultSchema, '/api/privacy/erase', 'POST', { ...lookup, confirm: true }),
};
