import { storeOptionsFor } from '../main';
import { createStore } from '../store';
import { hashPassword } from '../modules/auth';
import { auditVerifyOptions, verifyAudit } from '../modules/audit';
import { generatePassword } from './bootstrap';
import { cliConfig, fail, type CliValues } from './common';
import { revealOneTimePassword } from './one-time-password';

/** `parley migrate`: applies the migrations and exits. */
export async function migrateCommand(values: CliValues): Promise<void> {
  const cfg = cliConfig(values);
  const store = await createStore(storeOptionsFor(cfg));
  await store.migrate();
  await store.close();
  process.stdout.write(`migrations applied (${store.dialect})\n`);
}

/** `parley admin create`: another admin with a generated one-time password. */
export async function adminCreateCommand(positionals: string[], values: CliValues): Promise<void> {
  if (positionals[0] !== 'create')
    fail('usage: parley admin create --email E [--name N] [--org KEY]');
  if (!values.email) fail('--email is required');
  const email = values.email.toLowerCase();
  const cfg = cliConfig(values);
  const store = await createStore(storeOptionsFor(cfg));
  await store.migrate();
  try {
    const org = values.org ? await store.orgs.byKey(values.org) : (await store.orgs.list())[0];
    if (!org)
      fail(
        values.org
          ? `no organisation with key ${values.org}`
          : 'no organisation yet; run `parley start` once',
      );
    if (await store.agents.byEmail(email)) fail(`an account with e-mail ${email} exists already`);
    const password = generatePassword();
    const created = await store.agents.create({
      orgId: org.id,
      email,
      name: values.name ?? 'Admin',
      role: 'admin',
      passwordHash: await hashPassword(password),
    });
    // One-time: replaced at first sign-in, like an invited agent's.
    await store.security.setMustChangePassword(org.id, created.id, true);
    const where = revealOneTimePassword({ email, password }, { dataDir: cfg.dataDir });
    process.stdout.write(`admin ${email} created in ${org.name}\n${where.trim()}\n`);
  } finally {
    await store.close();
  }
}

/** `parley audit verify`: exits 0 when the chain is intact, 1 naming each problem. */
export async function auditCommand(positionals: string[], values: CliValues): Promise<void> {
  if (positionals[0] !== 'verify') fail('usage: parley audit verify [--data-dir DIR]');
  const cfg = cliConfig(values);
  const store = await createStore(storeOptionsFor(cfg));
  try {
    await store.migrate();
    const report = await verifyAudit(store, auditVerifyOptions(cfg));
    for (const p of report.problems) process.stdout.write(`BROKEN ${p.message}\n`);
    process.stdout.write(
      report.ok
        ? `audit log intact: ${report.entries} entries in ${report.chains} chain(s)\n`
        : `audit log NOT intact: ${report.problems.length} problem(s) in ${report.entries} entries\n`,
    );
    process.exitCode = report.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}
