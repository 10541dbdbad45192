import { storeOptionsFor } from '../main';
import { createStore } from '../store';
import { erase, type EraseTarget } from '../modules/privacy';
import { bindKeyring, loadDataKeks, loadKeyring } from '../modules/security';
import { cliConfig, fail, type CliValues } from './common';

/**
 * `parley data erase --conversation ID | --visitor ID [--org KEY] [--yes]` (issue 12 item 6):
 * without --yes it names what would go and changes nothing; with it, the data keys are destroyed
 * and the act audited (actor: system), as the admin route does.
 */
export async function dataCommand(positionals: string[], values: CliValues): Promise<void> {
  if (positionals[0] !== 'erase')
    fail('usage: parley data erase --conversation ID | --visitor ID [--org KEY] [--yes]');
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
    const r = await erase(store, org.id, target, { kind: 'system', id: null });
    process.stdout.write(
      `erased in ${org.name}: ${what}\n  ${r.conversations} conversation(s), ${r.messages} message(s), ${r.keys} data key(s) destroyed\n`,
    );
  } finally {
    await store.close();
  }
}
