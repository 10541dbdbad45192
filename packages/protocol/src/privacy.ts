import { z } from 'zod';

/**
 * The customer data lifecycle (issue 12, docs/privacy.md): pre-chat consent,
 * retention periods, access (export) and erasure requests.
 */

// ---- consent (item 1) ------------------------------------------------------------------

/** What happens when a visitor withdraws consent: erased at once, or closed and left to retention. */
export const ConsentWithdrawalPolicySchema = z.enum(['erase', 'close']);
export type ConsentWithdrawalPolicy = z.infer<typeof ConsentWithdrawalPolicySchema>;

/** The consent a visitor is asked for, as the widget shows it (part of GET /api/widget/config). */
export const WidgetConsentSchema = z.object({
  required: z.boolean(),
  version: z.number().int(),
  text: z.string(),
  privacyUrl: z.string().nullable(),
});
export type WidgetConsent = z.infer<typeof WidgetConsentSchema>;

/** GET/PUT /api/settings/consent answer. */
export const ConsentSettingsSchema = WidgetConsentSchema.extend({
  onWithdrawal: ConsentWithdrawalPolicySchema,
  updatedAt: z.number().int(),
  /** Earlier versions, newest first: past consents keep theirs. */
  versions: z.array(
    z.object({
      version: z.number().int(),
      text: z.string(),
      privacyUrl: z.string().nullable(),
      createdAt: z.number().int(),
    }),
  ),
});
export type ConsentSettings = z.infer<typeof ConsentSettingsSchema>;

const HttpUrlSchema = z
  .string()
  .trim()
  .max(500)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'The privacy policy link must be an http(s) address.');

/** PUT /api/settings/consent: a new text or link makes a new version. */
export const ConsentSettingsUpdateSchema = z.object({
  required: z.boolean(),
  text: z.string().trim().min(10).max(2000),
  privacyUrl: HttpUrlSchema.nullable(),
  onWithdrawal: ConsentWithdrawalPolicySchema,
});
export type ConsentSettingsUpdate = z.infer<typeof ConsentSettingsUpdateSchema>;

/** The consent a visitor gives when starting a conversation: the version they were shown. */
export const ConsentGivenSchema = z.object({ version: z.number().int().min(1) });

/** A recorded consent, as an agent or an export sees it. */
export const ConsentRecordSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  version: z.number().int(),
  givenAt: z.number().int(),
  withdrawnAt: z.number().int().nullable(),
  /** The text and link of that version (null when the version is gone). */
  text: z.string().nullable(),
  privacyUrl: z.string().nullable(),
});
export type ConsentRecord = z.infer<typeof ConsentRecordSchema>;
export const ConversationConsentSchema = z.object({ consent: ConsentRecordSchema.nullable() });

export const ConsentWithdrawRequestSchema = z.object({ conversationId: z.string().uuid() });
export const ConsentWithdrawResultSchema = z.object({
  /** `erased`: the data is gone now; `closed`: the conversation ended, retention deletes it later. */
  outcome: z.enum(['erased', 'closed']),
});

// ---- retention (item 4) ----------------------------------------------------------------

/** PCI DSS 10.5.1: audit history is kept at least twelve months. */
export const AUDIT_RETENTION_FLOOR_DAYS = 365;

export const RetentionSettingsUpdateSchema = z.object({
  /** Closed conversations: days after closing; null keeps them. */
  conversationDays: z.number().int().min(1).max(36500).nullable(),
  /** Delete the conversation, or anonymise it (content erased, counts kept). */
  conversationAction: z.enum(['delete', 'anonymise']),
  fileDays: z.number().int().min(1).max(36500).nullable(),
  securityEventDays: z.number().int().min(30).max(36500).nullable(),
  auditDays: z.number().int().min(AUDIT_RETENTION_FLOOR_DAYS).max(36500).nullable(),
});
export type RetentionSettingsUpdate = z.infer<typeof RetentionSettingsUpdateSchema>;

export const RetentionRunSchema = z.object({
  startedAt: z.number().int(),
  finishedAt: z.number().int().nullable(),
  conversations: z.number().int(),
  files: z.number().int(),
  securityEvents: z.number().int(),
  auditEntries: z.number().int(),
});
export const RetentionSettingsSchema = RetentionSettingsUpdateSchema.extend({
  updatedAt: z.number().int(),
  lastRun: RetentionRunSchema.nullable(),
});
export type RetentionSettings = z.infer<typeof RetentionSettingsSchema>;

// ---- access and erasure requests (items 5, 6) ------------------------------------------

/** How an admin names the person a request is about. */
export const DataSubjectLookupSchema = z.union([
  z.object({ visitorId: z.string().uuid() }).strict(),
  z.object({ conversationId: z.string().uuid() }).strict(),
  z.object({ email: z.string().trim().toLowerCase().email().max(254) }).strict(),
  z.object({ subject: z.string().trim().min(1).max(256) }).strict(),
]);
export type DataSubjectLookup = z.infer<typeof DataSubjectLookupSchema>;

/** What an erasure would remove, for the confirmation (POST /api/privacy/preview). */
export const ErasurePreviewSchema = z.object({
  visitors: z.array(
    z.object({
      id: z.string(),
      name: z.string().nullable(),
      verified: z.boolean(),
      createdAt: z.number().int(),
    }),
  ),
  conversations: z.number().int(),
  messages: z.number().int(),
  files: z.number().int(),
  payments: z.number().int(),
  consents: z.number().int(),
});
export type ErasurePreview = z.infer<typeof ErasurePreviewSchema>;

/** POST /api/privacy/erase: the lookup, confirmed. */
export const ErasureRequestSchema = z.union([
  z.object({ conversationId: z.string().uuid(), confirm: z.literal(true) }).strict(),
  z.object({ visitorId: z.string().uuid(), confirm: z.literal(true) }).strict(),
  z
    .object({ email: z.string().trim().toLowerCase().email().max(254), confirm: z.literal(true) })
    .strict(),
  z.object({ subject: z.string().trim().min(1).max(256), confirm: z.literal(true) }).strict(),
]);

/** What an erasure removed (counts, never content). */
export const ErasureResultSchema = z.object({
  erased: z.object({
    conversations: z.number().int(),
    visitors: z.number().int(),
    messages: z.number().int(),
    keys: z.number().int(),
    /** Payment records the vault anonymised, when a vault is configured. */
    vaultPayments: z.number().int().optional(),
  }),
});

/**
 * POST /api/privacy/export: the `parley-data-export/1` document with its HTML transcript.
 * Its visitors' contents are described in docs/privacy.md; the top level is fixed.
 */
export const SubjectExportSchema = z.looseObject({
  format: z.literal('parley-data-export/1'),
  exportedAt: z.string(),
  organisation: z.object({ id: z.string(), name: z.string() }),
  visitors: z.array(z.looseObject({ id: z.string() })),
  transcriptHtml: z.string(),
});
