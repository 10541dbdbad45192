import {
  ApiTokenCreatedSchema,
  ApiTokenListSchema,
  type ApiToken,
  type ApiTokenCreated,
  type ApiTokenScope,
} from '@parley/protocol';
import { call } from './api';

/** `/api/api-tokens` (apps/server/src/modules/api-tokens/routes.ts). */
export const apiTokensApi = {
  list: async (): Promise<ApiToken[]> => (await call(ApiTokenListSchema, '/api/api-tokens')).tokens,
  /** The answer carries the secret: the only time it is shown. */
  create: (input: {
    name: string;
    scopes: ApiTokenScope[];
    expiresInDays: number;
  }): Promise<ApiTokenCreated> => call(ApiTokenCreatedSchema, '/api/api-tokens', 'POST', input),
  revoke: async (id: string): Promise<void> => {
    await call(null, `/api/api-tokens/${encodeURIComponent(id)}`, 'DELETE');
  },
};
