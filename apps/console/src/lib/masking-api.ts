import { MaskingSettingsSchema } from '@parley/protocol';
import type { MaskingSettings, MaskingSettingsInput } from '@parley/protocol';
import { call } from './api';

/** Masking settings of the organisation (docs/masking.md, "Settings per organisation"). */
export const maskingApi = {
  get: (): Promise<MaskingSettings> => call(MaskingSettingsSchema, '/api/settings/masking'),
  save: (input: MaskingSettingsInput): Promise<MaskingSettings> =>
    call(MaskingSettingsSchema, '/api/settings/masking', 'PUT', input),
};
