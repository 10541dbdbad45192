import type { Organisation, Store } from '../src/store';
import { bootstrap } from '../src/cli/bootstrap';
import { DEFAULT_CONSENT_TEXT } from '../src/modules/consent';

export interface TestOrg {
  org: Organisation;
  admin: { email: string; password: string };
}

/**
 * The first-run organisation and admin, for tests and benchmarks that are not
 * about sign-in: the admin's password is not one-time and, unless
 * `productionMfa`, the organisation gets the store-only MFA policy 'none'
 * (the API refuses it), so the admin signs in with the password alone; and,
 * unless `consentRequired`, pre-chat consent is optional.
 */
export async function bootstrapTestOrg(
  store: Store,
  opts: {
    publicOrigin: string;
    adminEmail?: string;
    productionMfa?: boolean;
    /** Keep the product default (consent required before chatting); otherwise consent is optional. */
    consentRequired?: boolean;
  },
): Promise<TestOrg> {
  const boot = await bootstrap(store, {
    publicOrigin: opts.publicOrigin,
    adminEmail:
      opts.adminEmail ?? `admin-${Date.now()}-${Math.random().toString(36).slice(2)}@parley.test`,
    oneTimePassword: false,
  });
  const org = await store.orgs.byKey(boot.orgKey);
  if (!org || !boot.admin) throw new Error('bootstrap did not create an organisation and admin');
  if (!opts.productionMfa)
    await store.security.updateSettings(org.id, { mfaPolicy: 'none' }, Date.now());
  // Tests that are not about consent start conversations without giving one (docs/privacy.md).
  if (!opts.consentRequired)
    await store.consent.save(
      org.id,
      { required: false, text: DEFAULT_CONSENT_TEXT, privacyUrl: null, onWithdrawal: 'erase' },
      'test-kit',
      Date.now(),
    );
  return { org, admin: boot.admin };
}
