import { storeOptionsFor } from '../main';
import { createStore } from '../store';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataSubjectLookupSchema, ParleyError } from '@parley/protocol';
import type { Store } from '../store';
import {
  erase,
  exportSubject,
  resolveSubject,
  type EraseTarget,
  type VaultEraser,
} from '../modules/privacy';
import { createVaultClient } from '../modules/payments';
import { createLogger } from '../logger';
import type { Config } from '../config';
import { embeddedVault } from './secrets';
import { bindKeyring, loadDataKeks, loadKeyring } from '../modules/security';
import { fileStorageFor } from '../files-wiring';
import { cliConfig, fail, type CliValues } from './common';

/**
 * `parley data erase --conversation ID | --visitor ID [--org KEY] [--yes]` (issue 12 item 6):
 * without --yes it names what would go and changes nothing; with it, the data keys are destroyed
 * and the act audited (actor: system), as the admin route does.
 */
export async function dataCommand(positionals: string[], values: CliValues): Promise<void> {
  if (positionals[0] === 'export') return dataExport(values);
  if (positionals[0] !== 'erase')
    fail(
      'usage: parley data erase --conversation ID | --visitor ID [--org KEY] [--yes]\n       parley data export --visitor ID | --conversation ID | --email ADDR | --subject ID [--org KEY] [--out DIR]',
    );
  if (Boolean(values.conversation) === Boolean(values.visitor))
    fail('name exactly one of --conversation ID or --visitor ID');
  const cfg = cliConfig(values);
  const store = await createStore(storeOptionsFor(cfg));
  try {
    await store.migrate();
    store.dataKeys.useKeks(loadDataKeks(cfg));
    bindKeyring(store, loadKeyring(cfg));
    const org = values.org ? await store.orgs.byKey(values.org) : (await store.orgs.list())[0];
    if (!org) fail(values.org ? `no organisation with key ${values.org}` : 'no organisation yet');
    const target: EraseTarget = values.conversation
      ? { conversationId: values.conversation }
      : { visitorId: values.visitor ?? '' };
    const conversations = values.conversation
      ? [values.conversation]
      : await store.privacy.conversationsOf(org.id, values.visitor ?? '');
    const what = values.conversation
      ? `conversation ${values.conversation}: its messages, files and data key`
      : `visitor ${values.visitor}: name, token and ${conversations.length} conversation(s) with their messages, files and data keys`;
    if (!values.yes) {
      process.stdout.write(`would erase in ${org.name}: ${what}\nrun again with --yes to erase\n`);
      process.exitCode = 2;
      return;
    }
    // The same storage the server writes files to: the bytes go with the rows and the keys; the
    // vault anonymises the payment records first (an unreachable vault stops it, nothing erased).
    const vault = values['without-vault'] ? undefined : vaultFor(cfg);
    let r: Awaited<ReturnType<typeof erase>>;
    try {
      r = await erase(
        store,
        org.id,
        target,
        { kind: 'system', id: null },
        undefined,
        fileStorageFor(cfg),
        vault?.client,
      );
    } catch (err) {
      if (vault && err instanceof ParleyError && err.code === 'payment_unavailable')
        fail(
          `the vault at ${vault.url} could not be reached, so its payment records were not anonymised and nothing was erased; start Parley (or the vault) and run again, or pass --without-vault to erase only the chat data`,
          1,
        );
      throw err;
    }
    const payments =
      r.vaultPayments === undefined
        ? ''
        : `, ${r.vaultPayments} payment record(s) anonymised in the vault`;
    process.stdout.write(
      `erased in ${org.name}: ${what}\n  ${r.conversations} conversation(s), ${r.messages} message(s), ${r.files} file(s), ${r.keys} data key(s) destroyed${payments}\n`,
    );
  } finally {
    await store.close();
  }
}

/**
 * The vault an erasure goes through: the configured one (`PARLEY_VAULT_URL`), or the one
 * `parley start` runs next door on the next port (its secrets in the data directory). None when
 * this installation never ran a vault: then there are no payment records to anonymise.
 */
function vaultFor(cfg: Config): { url: string; client: VaultEraser } | undefined {
  const log = createLogger('warn');
  if (cfg.vaultUrl && cfg.vaultSecretOut)
    return {
      url: cfg.vaultUrl,
      client: createVaultClient({ url: cfg.vaultUrl, secret: cfg.vaultSecretOut, log }),
    };
  if (!existsSync(join(cfg.dataDir, 'edge-secrets.json'))) return undefined;
  const { vaultUrl: url, vaultSecretOut: secret } = embeddedVault(cfg);
  return { url, client: createVaultClient({ url, secret, log }) };
}

async function openStore(values: CliValues): Promise<Store> {
  const cfg = cliConfig(values);
  const store = await createStore(storeOptionsFor(cfg));
  await store.migrate();
  store.dataKeys.useKeks(loadDataKeks(cfg));
  bindKeyring(store, loadKeyring(cfg));
  return store;
}

/**
 * `parley data export` (issue 12 item 5): an access request's answer, the same as the console's,
 * written to DIR (default: the current directory) as parley-export-<id>.json and .html (0600).
 */
async function dataExport(values: CliValues): Promise<void> {
  const given = {
    ...(values.visitor ? { visitorId: values.visitor } : {}),
    ...(values.conversation ? { conversationId: values.conversation } : {}),
    ...(values.email ? { email: values.email } : {}),
    ...(values.subject ? { subject: values.subject } : {}),
  };
  const lookup = DataSubjectLookupSchema.safeParse(given);
  if (!lookup.success)
    fail('name exactly one of --visitor ID, --conversation ID, --email ADDR or --subject ID');
  const store = await openStore(values);
  try {
    const org = values.org ? await store.orgs.byKey(values.org) : (await store.orgs.list())[0];
    if (!org) fail(values.org ? `no organisation with key ${values.org}` : 'no organisation yet');
    let ids: string[];
    try {
      ids = await resolveSubject(store, org.id, lookup.data);
    } catch (e) {
      if (e instanceof ParleyError) fail(`${org.name}: ${e.message}`, 1);
      throw e;
    }
    const r = await exportSubject(store, org, ids, { kind: 'system', id: null });
    const dir = resolve(values.out ?? '.');
    mkdirSync(dir, { recursive: true });
    const base = join(dir, `parley-export-${ids[0] ?? 'none'}`);
    writeFileSync(`${base}.json`, `${JSON.stringify(r.data, null, 2)}\n`, { mode: 0o600 });
    writeFileSync(`${base}.html`, r.html, { mode: 0o600 });
    const conversations = r.data.visitors.reduce((n, v) => n + v.conversations.length, 0);
    process.stdout.write(
      `exported from ${org.name}: ${r.data.visitors.length} visitor(s), ${conversations} conversation(s)\n  ${base}.json\n  ${base}.html\n`,
    );
  } finally {
    await store.close();
  }
}
