import { createHmac } from 'node:crypto';
import type { Store } from '../../store';

/** The keys every node of an installation must share, with the setting that gives each. */
export interface InstallationKeys {
  /** The data keys' key-encryption key in use, then the previous ones still read (rotation). */
  data: readonly Buffer[];
  audit: Buffer;
  secrets: Buffer;
}

const SETTING = {
  data: 'PARLEY_DATA_KEY (or data.key)',
  audit: 'PARLEY_AUDIT_KEY (or audit.key)',
  secrets: 'PARLEY_SECRETS_KEY (or secrets.key)',
} as const;

/** An HMAC of a fixed label under the key: the same key gives the same value; it tells nothing of the key. */
export function keyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('parley:installation-key').digest('hex').slice(0, 32);
}

export class KeyMismatchError extends Error {
  constructor(readonly keys: string[]) {
    super(
      `this node's ${keys.join(', ')} differ from the keys the installation's other nodes use: ` +
        'give every node the same keys (docs/configuration.md "Keys"); refusing to start',
    );
    this.name = 'KeyMismatchError';
  }
}

/**
 * On start: records the fingerprints of this node's keys when the installation
 * has none yet, and otherwise refuses (KeyMismatchError) to run with keys the
 * other nodes do not hold: data it wrote could not be read elsewhere, and audit
 * entries would break the chain. A data key rotation is accepted: a new
 * PARLEY_DATA_KEY whose PARLEY_DATA_KEY_PREVIOUS holds the recorded key becomes
 * the recorded one.
 */
export async function assertInstallationKeys(store: Store, keys: InstallationKeys): Promise<void> {
  const now = Date.now();
  const wrong: string[] = [];
  const [primary, ...previous] = keys.data;
  if (primary) {
    const mine = keyFingerprint(primary);
    const recorded = await store.installationKeys.claim('data', mine, now);
    if (recorded !== mine) {
      if (previous.some((k) => keyFingerprint(k) === recorded))
        await store.installationKeys.replace('data', mine, now);
      else wrong.push(SETTING.data);
    }
  }
  for (const name of ['audit', 'secrets'] as const) {
    const mine = keyFingerprint(keys[name]);
    if ((await store.installationKeys.claim(name, mine, now)) !== mine) wrong.push(SETTING[name]);
  }
  if (wrong.length > 0) throw new KeyMismatchError(wrong);
}

/** For `parley doctor`: which of this machine's keys differ from the recorded ones (nothing written). */
export async function keysDifferingFromInstallation(
  store: Store,
  keys: InstallationKeys,
): Promise<{ recorded: boolean; differing: string[] }> {
  const recorded = await store.installationKeys.all();
  const differing: string[] = [];
  const primary = keys.data[0];
  if (recorded.data && primary && recorded.data !== keyFingerprint(primary))
    differing.push(SETTING.data);
  for (const name of ['audit', 'secrets'] as const)
    if (recorded[name] && recorded[name] !== keyFingerprint(keys[name]))
      differing.push(SETTING[name]);
  return { recorded: Object.keys(recorded).length > 0, differing };
}
