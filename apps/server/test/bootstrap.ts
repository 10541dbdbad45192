import type { Organisation, Store } from '../src/store';
import { bootstrap } from '../src/cli/bootstrap';

export interface TestOrg {
  org: Organisation;
  admin: { email: string; password: string };
}

/**
 * The first-run organisation and admin, for tests and benchmarks that are not
 * about sign-in: the admin's password is not one-time and, unless
 * `productionMfa`, the organisation gets the store-only MFA policy 'none'
 * (the API refuses it), so the admin signs in with the password alone.
 */
export async function bootstrapTestOrg(
  store: Store,
  opts: { publicOrigin: string; adminEmail?: string; productionMfa?: boolean },
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
  return { org, admin: boot.admin };
}
