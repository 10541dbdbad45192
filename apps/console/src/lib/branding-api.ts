import { BrandingSettingsSchema } from '@parley/protocol';
import type { BrandingSettings, BrandingUpdate } from '@parley/protocol';
import { call } from './api';

/** `GET/PUT /api/settings/branding` (apps/server/src/modules/orgs/branding-service.ts). */
export const brandingApi = {
  get: (): Promise<BrandingSettings> => call(BrandingSettingsSchema, '/api/settings/branding'),
  save: (input: BrandingUpdate): Promise<BrandingSettings> =>
    call(BrandingSettingsSchema, '/api/settings/branding', 'PUT', input),
};
