import { z } from 'zod';
import { PaymentSettingsSchema } from '@parley/protocol';
import type { PaymentSettings } from '@parley/protocol';
import { call } from './api';

/** `GET/PUT /api/settings/organisation` (apps/server/src/modules/orgs/settings-routes.ts). */
export const OrganisationSettingsSchema = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  greeting: z.string(),
  allowedOrigins: z.array(z.string()),
});
export type OrganisationSettings = z.infer<typeof OrganisationSettingsSchema>;
export interface OrganisationSettingsInput {
  name?: string;
  greeting?: string;
  allowedOrigins?: string[];
}

/** The organisation's own settings and its payment currencies (admins: settings:manage). */
export const organisationApi = {
  get: (): Promise<OrganisationSettings> =>
    call(OrganisationSettingsSchema, '/api/settings/organisation'),
  save: (input: OrganisationSettingsInput): Promise<OrganisationSettings> =>
    call(OrganisationSettingsSchema, '/api/settings/organisation', 'PUT', input),
  payments: (): Promise<PaymentSettings> => call(PaymentSettingsSchema, '/api/payments/settings'),
  saveCurrencies: (currencies: string[]): Promise<PaymentSettings> =>
    call(PaymentSettingsSchema, '/api/payments/settings', 'PUT', { currencies }),
};

/** The one script tag a website adds to show the chat (docs/widget.md, "Embedding"). */
export function embedSnippet(serverOrigin: string, orgKey: string): string {
  const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<script src="${attr(serverOrigin)}/widget.js" data-org="${attr(orgKey)}" async></script>`;
}

/** The list with `value` added (trimmed, a trailing slash dropped, no duplicates); the server checks it is an origin. */
export function withOrigin(list: readonly string[], value: string): string[] {
  const origin = value.trim().replace(/\/$/, '');
  if (origin === '' || list.includes(origin)) return [...list];
  return [...list, origin];
}

/** An ISO 4217-style code typed by the admin ("eur " → "EUR"), or null when it is not three letters. */
export function parseCurrency(value: string): string | null {
  const code = value.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(code) ? code : null;
}
