import { storeOptionsFor } from '../main';
import { createStore, type Store } from '../store';
import { loadDataKeks } from '../modules/security';
import { cliConfig, fail, type CliValues } from './common';

interface Out {
  write(s: string): unknown;
  isTTY?: boolean | undefined;
}

const BAR = 30;

/** A progress bar redrawn in place on a terminal; a line per batch (and at the end) otherwise. */
export function progressPrinter(out: Out): (done: number, total: number) => void {
  return (done, total) => {
    const share = total === 0 ? 1 : Math.min(1, done / total);
    if (out.isTTY) {
      const filled = Math.round(share * BAR);
      out.write(
        `\r[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${Math.floor(share * 100)}% ${done}/${total} data keys`,
      );
    } else out.write(`rewrapped ${done}/${total} data keys (${Math.floor(share * 100)}%)\n`);
  };
}

/**
 * The rotation itself, on a store whose KEKs are bound (the new one first): rewraps every data key
 * under the new KEK while the nodes keep serving, then says which old KEKs still wrap keys.
 * Returns 0 when nothing needs an old key any more, 1 otherwise (run it again, or a key is missing).
 */
export async function rotateDataKeys(
  store: Store,
  out: Out,
  opts: { batchSize?: number } = {},
): Promise<{ rewrapped: number; exitCode: 0 | 1 }> {
  const before = await store.dataKeys.kekUsage();
  const stale = before.filter((u) => !u.primary && u.held).reduce((n, u) => n + u.keys, 0);
  out.write(`data keys: ${before.reduce((n, u) => n + u.keys, 0)}, under older keys: ${stale}\n`);
  const rewrapped = await store.dataKeys.rewrapAll(
    progressPrinter(out),
    opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {},
  );
  if (out.isTTY && stale > 0) out.write('\n');
  const after = await store.dataKeys.kekUsage();
  const left = after.filter((u) => !u.primary);
  out.write(`rewrapped ${rewrapped} data key(s) under the new key-encryption key\n`);
  if (left.length === 0) {
    out.write(
      'no data key needs an older key-encryption key: remove PARLEY_DATA_KEY_PREVIOUS from every node\n',
    );
    return { rewrapped, exitCode: 0 };
  }
  for (const u of left)
    out.write(
      u.held
        ? `still under older key ${u.kekId}: ${u.keys} (written meanwhile by a node without the new key? run again)\n`
        : `under key ${u.kekId}, which this command was not given: ${u.keys} (keep that key; add it to PARLEY_DATA_KEY_PREVIOUS and run again)\n`,
    );
  return { rewrapped, exitCode: 1 };
}

/**
 * `parley keys rotate` (issue 12 item 2, docs/configuration.md "Keys"): with the new key in
 * PARLEY_DATA_KEY and the old one in PARLEY_DATA_KEY_PREVIOUS (as every node runs them), rewraps
 * every data key under the new key. No downtime: the nodes open either wrapping meanwhile.
 */
export async function keysCommand(positionals: string[], values: CliValues): Promise<void> {
  if (positionals[0] !== 'rotate') fail('usage: parley keys rotate [--data-dir DIR]');
  const cfg = cliConfig(values);
  if (!cfg.dataKeyPrevious || cfg.dataKeyPrevious.length === 0)
    process.stderr.write(
      'parley: PARLEY_DATA_KEY_PREVIOUS is not set: only keys already known are rewrapped\n',
    );
  const store = await createStore(storeOptionsFor(cfg));
  try {
    await store.migrate();
    store.dataKeys.useKeks(loadDataKeks(cfg));
    const r = await rotateDataKeys(store, process.stdout);
    process.exitCode = r.exitCode;
  } finally {
    await store.close();
  }
}
