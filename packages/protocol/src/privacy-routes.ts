import {
  ConsentSettingsSchema,
  ConsentSettingsUpdateSchema,
  ConsentWithdrawRequestSchema,
  ConsentWithdrawResultSchema,
  ConversationConsentSchema,
  DataSubjectLookupSchema,
  ErasurePreviewSchema,
  ErasureRequestSchema,
  ErasureResultSchema,
  RetentionSettingsSchema,
  RetentionSettingsUpdateSchema,
  SubjectExportSchema,
} from './privacy';
import type { RestRoute } from './rest-routes';

/**
 * The customer data lifecycle's routes (issue 12, docs/privacy.md), part of REST_ROUTES: consent,
 * retention, access and erasure requests. Kept beside their schemas so the table stays small.
 */
export const PRIVACY_ROUTES: Readonly<Record<string, RestRoute>> = {
  'GET /api/settings/consent': {
    summary: 'The pre-chat consent notice and its versions (admins)',
    tag: 'Privacy',
    auth: 'agent',
    response: ConsentSettingsSchema,
  },
  'PUT /api/settings/consent': {
    summary: 'Change the consent notice; a new text or link makes a new version (admins)',
    tag: 'Privacy',
    auth: 'agent',
    body: ConsentSettingsUpdateSchema,
    response: ConsentSettingsSchema,
  },
  'GET /api/conversations/:id/consent': {
    summary: "The consent given for a conversation, with its version's text",
    tag: 'Privacy',
    auth: 'agent',
    response: ConversationConsentSchema,
  },
  'POST /api/visitor/consent/withdraw': {
    summary: 'Withdraw consent as the visitor: the chat ends, erased per the policy',
    tag: 'Privacy',
    auth: 'visitor',
    body: ConsentWithdrawRequestSchema,
    response: ConsentWithdrawResultSchema,
  },
  'GET /api/settings/retention': {
    summary: 'Retention periods and the last purge (admins)',
    tag: 'Privacy',
    auth: 'agent',
    response: RetentionSettingsSchema,
  },
  'PUT /api/settings/retention': {
    summary: 'Set the retention periods (admins)',
    tag: 'Privacy',
    auth: 'agent',
    body: RetentionSettingsUpdateSchema,
    response: RetentionSettingsSchema,
  },
  'POST /api/privacy/preview': {
    summary: 'What an erasure of this person would remove (admins)',
    tag: 'Privacy',
    auth: 'agent',
    body: DataSubjectLookupSchema,
    response: ErasurePreviewSchema,
  },
  'POST /api/privacy/export': {
    summary: 'Export everything held about a person: JSON and an HTML transcript (admins)',
    tag: 'Privacy',
    auth: 'agent',
    body: DataSubjectLookupSchema,
    response: SubjectExportSchema,
  },
  'POST /api/privacy/erase': {
    summary: 'Erase a person or a conversation (crypto-shredding; admins)',
    tag: 'Privacy',
    auth: 'agent',
    body: ErasureRequestSchema,
    response: ErasureResultSchema,
  },
};
