import {
  VerifiedVisitorSchema,
  VisitorIdentitySecretSchema,
  VisitorIdentitySettingsSchema,
  type VerifiedVisitor,
  type VisitorIdentitySettings,
} from '@parley/protocol';
import { call } from './api';

export interface VisitorIdentityInput {
  mode: VisitorIdentitySettings['mode'];
  algorithm: VisitorIdentitySettings['algorithm'];
  publicKey?: string;
  issuer: string;
  audience?: string;
}

/** `/api/settings/visitor-identity` (apps/server/src/modules/visitor-identity/routes.ts). */
export const visitorIdentityApi = {
  get: (): Promise<VisitorIdentitySettings> =>
    call(VisitorIdentitySettingsSchema, '/api/settings/visitor-identity'),
  save: (input: VisitorIdentityInput): Promise<VisitorIdentitySettings> =>
    call(VisitorIdentitySettingsSchema, '/api/settings/visitor-identity', 'PUT', input),
  /** A new HS256 secret: shown once; the previous one stops working at once. */
  rotateSecret: (): Promise<{ secret: string }> =>
    call(VisitorIdentitySecretSchema, '/api/settings/visitor-identity/secret', 'POST', {}),
  ofConversation: (conversationId: string): Promise<VerifiedVisitor> =>
    call(
      VerifiedVisitorSchema,
      `/api/conversations/${encodeURIComponent(conversationId)}/visitor-identity`,
    ),
};
