import { ERRORS } from '@parley/protocol';
import { lang, t } from '../i18n';
import { ApiError } from './api';

// The server's registry codes (docs/errors.md) the console can meet, in the agent's language.
// Keys in full for i18n.test.ts.
const ERROR_KEYS: Record<string, string> = {
  network_error: 'errors.network_error',
  cancelled: 'errors.cancelled',
  internal_error: 'errors.internal_error',
  invalid_response: 'errors.invalid_response',
  bad_request: 'errors.bad_request',
  payload_too_large: 'errors.payload_too_large',
  rate_limited: 'errors.rate_limited',
  too_many_requests: 'errors.rate_limited',
  unauthorized: 'errors.unauthorized',
  invalid_credentials: 'errors.invalid_credentials',
  invalid_mfa_code: 'errors.invalid_mfa_code',
  password_change_required: 'errors.password_change_required',
  weak_password: 'errors.weak_password',
  account_locked: 'errors.account_locked',
  step_up_required: 'errors.step_up_required',
  session_locked: 'errors.session_locked',
  unlock_link_invalid: 'errors.unlock_link_invalid',
  mail_unavailable: 'errors.mail_unavailable',
  invite_expired: 'errors.invite_expired',
  ip_not_allowed: 'errors.ip_not_allowed',
  allowlist_would_lock_out: 'errors.allowlist_would_lock_out',
  forbidden: 'errors.forbidden',
  api_token_scope_not_in_role: 'errors.api_token_scope_not_in_role',
  csrf_failed: 'errors.csrf_failed',
  not_found: 'errors.not_found',
  passkey_failed: 'errors.passkey_failed',
  sso_not_configured: 'errors.sso_not_configured',
  sso_failed: 'errors.sso_failed',
  conversation_not_found: 'errors.conversation_not_found',
  data_subject_not_found: 'errors.data_subject_not_found',
  conversation_taken: 'errors.conversation_taken',
  conversation_closed: 'errors.conversation_closed',
  conflict: 'errors.conflict',
  payment_not_found: 'errors.payment_not_found',
  invalid_payment_state: 'errors.invalid_payment_state',
  payment_in_progress: 'errors.payment_in_progress',
  refund_exceeds_amount: 'errors.refund_exceeds_amount',
  currency_not_allowed: 'errors.currency_not_allowed',
  payment_unavailable: 'errors.payment_unavailable',
  payment_gateway_error: 'errors.payment_gateway_error',
  invalid_masking_rule: 'errors.invalid_masking_rule',
  masking_failed: 'errors.masking_failed',
  store_unavailable: 'errors.store_unavailable',
  file_type_not_allowed: 'errors.file_type_not_allowed',
  file_disguised: 'errors.file_disguised',
  file_too_large: 'errors.file_too_large',
  file_empty: 'errors.file_empty',
  file_quota_exceeded: 'errors.file_quota_exceeded',
  files_busy: 'errors.files_busy',
  files_unavailable: 'errors.files_unavailable',
  canned_shortcut_taken: 'errors.canned_shortcut_taken',
  transcript_limit: 'errors.transcript_limit',
  team_name_taken: 'errors.team_name_taken',
  agent_not_found: 'errors.agent_not_found',
  transfer_pending: 'errors.transfer_pending',
  transfer_answered: 'errors.transfer_answered',
  transfer_not_allowed: 'errors.transfer_not_allowed',
};

/** The registry's own text of a code: a server message other than it carries details. */
const registryText = (code: string): string | undefined =>
  (ERRORS as Record<string, { message: string } | undefined>)[code]?.message;

/**
 * A registry code in the agent's words. A server message with details of its own ("Not an
 * origin: …", "A report covers at most 400 days.") is kept: as it is in English, after the
 * translated text in other languages. An unknown code in English keeps the server's text.
 */
export function errorText(code: string | undefined, serverMessage?: string): string {
  const key = code !== undefined ? ERROR_KEYS[code] : undefined;
  const detailed =
    serverMessage !== undefined &&
    serverMessage !== '' &&
    code !== undefined &&
    serverMessage !== registryText(code);
  if (key) {
    if (!detailed) return t(key);
    return lang === 'en' ? serverMessage : `${t(key)} (${serverMessage})`;
  }
  return lang === 'en' && serverMessage ? serverMessage : t('errors.generic');
}

/** The agent's words for a failure: its registry code if it carries one, else the generic text. */
export function errorOf(e: unknown): string {
  if (e instanceof ApiError) return errorText(e.code, e.message);
  // Other typed failures (an upload's UploadError) carry a registry code too.
  const code = e instanceof Error && 'code' in e ? (e as { code: unknown }).code : undefined;
  return typeof code === 'string'
    ? errorText(code, e instanceof Error ? e.message : undefined)
    : t('errors.generic');
}
