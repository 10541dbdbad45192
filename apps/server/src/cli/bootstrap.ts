import { randomBytes } from 'node:crypto';
import type { Store } from '../store';
import { hashPassword } from '../modules/auth';
import { createOrganisation } from '../modules/orgs';

export interface Bootstrapped {
  orgKey: string;
  admin?: { email: string; password: string };
}

/** A password for the first admin: 20 random characters from an unambiguous alphabet. */
export function generatePassword(length = 20): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(length * 2);
  let out = '';
  // Rejection sampling keeps every character equally likely.
  for (const b of bytes) {
    if (b < 256 - (256 % alphabet.length)) out += alphabet[b % alphabet.length];
    if (out.length === length) break;
  }
  return out.length === length ? out : generatePassword(length);
}

/**
 * First run of the embedded defaults: an organisation and an admin. Returns
 * the admin's password only when it was just created; it is shown once and
 * stored only as an argon2id hash.
 */
export async function bootstrap(
  store: Store,
  opts: {
    publicOrigin: string;
    adminEmail?: string;
    /** The printed password must be replaced at first sign-in (default). Tests and benchmarks opt out. */
    oneTimePassword?: boolean;
  },
): Promise<Bootstrapped> {
  const existing = await store.orgs.list();
  if (existing[0]) return { orgKey: existing[0].key };
  const org = await createOrganisation(store, {
    name: 'Demo Shop',
    allowedOrigins: [opts.publicOrigin],
    greeting: 'Hi! How can we help you today?',
  });
  const email = opts.adminEmail ?? 'admin@parley.local';
  const password = generatePassword();
  const admin = await store.agents.create({
    orgId: org.id,
    email,
    name: 'Admin',
    role: 'admin',
    passwordHash: await hashPassword(password),
  });
  if (opts.oneTimePassword !== false)
    await store.security.setMustChangePassword(org.id, admin.id, true);
  return { orgKey: org.key, admin: { email, password } };
}
