import { z } from 'zod';
import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import {
  PasskeySchema,
  SessionInfoSchema,
  SsoSettingsSchema,
  type Passkey,
  type SessionInfo,
  type SsoSettings,
  type UpdateSsoSettingsRequest,
} from '@parley/protocol';
import { call } from './api';
import { t } from '../i18n';

const OptionsSchema = z.object({
  challengeId: z.string(),
  options: z.record(z.string(), z.unknown()),
});
const ListSchema = z.object({ passkeys: z.array(PasskeySchema) });
const OneSchema = z.object({ passkey: PasskeySchema });

export const passkeysSupported = (): boolean => browserSupportsWebAuthn();

/** Passkeys (docs/security.md "Passkeys") and the SSO settings page's API. */
export const passkeyApi = {
  list: async (): Promise<Passkey[]> => (await call(ListSchema, '/api/auth/passkeys')).passkeys,

  /** Registers a passkey on this device under `name` (needs a recent step-up). */
  register: async (name: string): Promise<Passkey> => {
    const o = await call(OptionsSchema, '/api/auth/passkeys/options', 'POST', {});
    const response = await startRegistration({
      optionsJSON: o.options as unknown as PublicKeyCredentialCreationOptionsJSON,
    });
    return (
      await call(OneSchema, '/api/auth/passkeys', 'POST', {
        challengeId: o.challengeId,
        name,
        response,
      })
    ).passkey;
  },

  remove: async (id: string): Promise<void> => {
    await call(null, `/api/auth/passkeys/${encodeURIComponent(id)}`, 'DELETE');
  },

  /** Passwordless sign-in with any passkey of this site. */
  signIn: async (): Promise<SessionInfo> => {
    const o = await call(OptionsSchema, '/api/auth/passkey/options', 'POST', {});
    const response = await startAuthentication({
      optionsJSON: o.options as unknown as PublicKeyCredentialRequestOptionsJSON,
    });
    return call(SessionInfoSchema, '/api/auth/passkey/sign-in', 'POST', {
      challengeId: o.challengeId,
      response,
    });
  },

  /** One's own passkey as the second factor, or as a step-up. */
  verify: async (): Promise<SessionInfo> => {
    const o = await call(OptionsSchema, '/api/auth/passkey/verify/options', 'POST', {});
    const response = await startAuthentication({
      optionsJSON: o.options as unknown as PublicKeyCredentialRequestOptionsJSON,
    });
    return call(SessionInfoSchema, '/api/auth/passkey/verify', 'POST', {
      challengeId: o.challengeId,
      response,
    });
  },

  ssoSettings: (): Promise<SsoSettings> => call(SsoSettingsSchema, '/api/settings/sso'),
  saveSsoSettings: (patch: UpdateSsoSettingsRequest): Promise<SsoSettings> =>
    call(SsoSettingsSchema, '/api/settings/sso', 'PUT', patch),
};

/** WebAuthn's own errors (cancelled, timed out) in words a person can act on. */
export function explainWebAuthn(e: unknown): string | undefined {
  const name = (e as { name?: unknown } | null)?.name;
  if (name === 'NotAllowedError' || name === 'AbortError') return t('security.passkeyCancelled');
  if (name === 'InvalidStateError') return t('security.passkeyExists');
  return undefined;
}
