import { resolve } from 'node:path';
import { BackupFormatError } from './backup-archive';
import { backup, progressBar, restore } from './backup';
import { cliConfig, fail, type CliValues } from './common';

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** `parley backup --out FILE --keys FILE [--data-dir DIR]`. */
export async function backupCommand(values: CliValues): Promise<void> {
  if (!values.out || !values.keys)
    fail(
      'usage: parley backup --out FILE --keys FILE [--data-dir DIR]\n' +
        '  --keys is where the backup key goes: keep it apart from the backup (either alone is useless)',
    );
  const cfg = cliConfig(values);
  const bar = progressBar('backing up');
  try {
    const s = await backup({
      dataDir: cfg.dataDir,
      out: values.out,
      keys: values.keys,
      chatStoreIsPostgres: Boolean(cfg.databaseUrl),
      externalKeys: [
        ...(cfg.secretsKey ? ['PARLEY_SECRETS_KEY'] : []),
        ...(cfg.auditKey ? ['PARLEY_AUDIT_KEY'] : []),
        ...(cfg.dataKey ? ['PARLEY_DATA_KEY'] : []),
        ...(process.env.PARLEY_VAULT_SECRET_OUT
          ? ['PARLEY_VAULT_SECRET_OUT', 'PARLEY_VAULT_SECRET_IN']
          : []),
      ],
      progress: bar,
    });
    bar.end();
    const lines = [
      `backup ${s.backupId} written: ${resolve(values.out)} (${mb(s.archiveBytes)}, encrypted)`,
      ...s.files.map(
        (f) => `  ${f.kind === 'sqlite' ? 'database' : 'file    '} ${f.path} (${mb(f.size)})`,
      ),
      `key file written: ${resolve(values.keys)} (0600; holds the backup key and ${s.keys.length} installation key(s))`,
      '  keep it apart from the backup: whoever has both can read everything',
      ...s.notIncluded.map((n) => `not included: ${n}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (err) {
    bar.end();
    if (err instanceof BackupFormatError) fail(err.message, 1);
    throw err;
  }
}

/** `parley restore --from FILE --keys FILE --data-dir DIR`. */
export async function restoreCommand(values: CliValues): Promise<void> {
  if (!values.from || !values.keys || !values['data-dir'])
    fail(
      'usage: parley restore --from FILE --keys FILE --data-dir NEW_DIR [--data-keys-from LIVE_DIR]',
    );
  const bar = progressBar('restoring');
  try {
    const s = await restore({
      archive: values.from,
      keys: values.keys,
      dataDir: values['data-dir'],
      ...(values['data-keys-from'] ? { dataKeysFrom: values['data-keys-from'] } : {}),
      progress: bar,
    });
    bar.end();
    const lines = [
      `backup ${s.backupId} of ${s.created} restored into ${resolve(values['data-dir'])}`,
      ...s.files.map(
        (f) =>
          `  ${f.kind === 'sqlite' ? 'database' : 'file    '} ${f.path} (${mb(f.size)})${f.kind === 'sqlite' ? ', integrity ok' : ''}`,
      ),
      `  keys: ${s.keys.join(', ') || 'none'}`,
      s.dataKeys !== undefined
        ? `  data keys: ${s.dataKeys} from the live installation`
        : '  data keys: none (content unreadable until restored with --data-keys-from LIVE_DIR)',
      ...s.external.map(
        (e) => `set ${e} as on the original installation: it was not in the backup`,
      ),
      ...s.notIncluded.map((n) => `not included: ${n}`),
      'next: `parley audit verify --data-dir DIR`, then `parley start --data-dir DIR`',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (err) {
    bar.end();
    if (err instanceof BackupFormatError) fail(err.message, 1);
    throw err;
  }
}
