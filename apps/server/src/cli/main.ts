import { parseArgs } from 'node:util';
import { VERSION } from '../version';
import type { CliValues } from './common';

// Each command's code is imported when the command runs, so that `parley
// --help` and `parley mask` do not load the server (issue 8: --help in under
// 0.3 s). Nothing above this line may import the server, the store or config.

const HELP = `parley ${VERSION} — self-hosted live chat with in-chat payments and PCI masking

Usage: parley <command> [options]

Commands:
  start [--data-dir DIR] [--port N] [--host H]
                    First run creates an organisation and an admin, then runs the server
                    and the vault (next port up) and prints the URLs. The admin's one-time
                    password goes to the terminal (stderr), or without one to a 0600 file
                    in the data directory; never to the log on stdout.
  server [--data-dir DIR] [--port N] [--host H]
                    Runs one server node only (no bootstrap); any number can share
                    DATABASE_URL and REDIS_URL behind a load balancer.
  vault [--data-dir DIR] [--port N]
                    Runs the payment vault alone.
  migrate [--data-dir DIR]
                    Applies database migrations and exits.
  admin create --email E [--name N] [--org KEY] [--data-dir DIR]
                    Creates an admin; its one-time password goes where start's does.
  audit verify [--data-dir DIR]
                    Checks the hash chain of the audit log (or DATABASE_URL's); exits 0 when
                    intact, 1 naming each edited, deleted or reordered entry.
  backup --out FILE --keys FILE [--data-dir DIR]
                    Writes an encrypted, consistent snapshot of the data directory while
                    Parley runs (SQLite's online backup API); the keys go to --keys, apart.
  restore --from FILE --keys FILE --data-dir NEW_DIR [--data-keys-from LIVE_DIR]
                    Restores a backup into a new data directory and checks its databases.
  doctor [--json] [--evidence DIR] [--smtp-test ADDRESS] [--data-dir DIR]
                    Inspects the installation: TLS, file permissions, schema, audit chain and
                    anchoring, MFA policy, clocks, SIEM, scanning, e-mail, retention. One
                    PASS/WARN/FAIL line each with how to fix; exits 1 when a check fails.
                    --smtp-test sends a real test message to ADDRESS. --evidence writes a
                    PCI DSS / GDPR evidence bundle (agents, policy history, chain, card scan,
                    retention, configuration without secrets).
  data erase --conversation ID | --visitor ID [--org KEY] [--yes] [--without-vault] [--data-dir DIR]
                    Erases a conversation or a visitor (destroys its data keys, deletes its
                    files) and has the vault anonymise its payment records; audited.
  data export --visitor ID | --conversation ID | --email ADDR | --subject ID [--org KEY] [--out DIR]
                    Writes everything held about a visitor as JSON and an HTML transcript
                    (an access request, docs/privacy.md); audited.
  keys rotate [--data-dir DIR]
                    With the new key in PARLEY_DATA_KEY and the old in PARLEY_DATA_KEY_PREVIOUS,
                    rewraps every data key under the new one while Parley runs; resumable.
  mask              Masks JSON Lines from stdin: {"conversation","sender","text"} per line.
  --help, -h        This text.   --version   The version.

Environment: DATABASE_URL (PostgreSQL instead of SQLite), REDIS_URL (multi-node bus),
PARLEY_PUBLIC_URL, PARLEY_LOG_LEVEL, PARLEY_TRUST_PROXY, PARLEY_VAULT_URL with
PARLEY_VAULT_SECRET_OUT / PARLEY_VAULT_SECRET_IN (server nodes); see docs/configuration.md.`;

const OPTIONS = {
  'data-dir': { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  email: { type: 'string' },
  name: { type: 'string' },
  org: { type: 'string' },
  out: { type: 'string' },
  from: { type: 'string' },
  keys: { type: 'string' },
  json: { type: 'boolean' },
  evidence: { type: 'string' },
  'smtp-test': { type: 'string' },
  'data-keys-from': { type: 'string' },
  conversation: { type: 'string' },
  visitor: { type: 'string' },
  subject: { type: 'string' },
  yes: { type: 'boolean' },
  'without-vault': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function fail(message: string): never {
  process.stderr.write(`parley: ${message}\n`);
  process.exit(2);
}

function parse(rest: string[]): { values: CliValues & { help?: boolean }; positionals: string[] } {
  try {
    return parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    fail(`${err instanceof Error ? err.message : String(err)}\nRun \`parley --help\`.`);
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (command === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  const { values, positionals } = parse(rest);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  switch (command) {
    case 'start':
      // `parley start` supervises itself: the server runs in a child that is restarted when it
      // ends on its own (exit 70 after a drain, a crash). PARLEY_SUPERVISE=0 runs it directly
      // (under systemd or a container runtime that restarts on its own).
      if (process.env.PARLEY_SUPERVISED !== '1' && process.env.PARLEY_SUPERVISE !== '0')
        return (await import('./supervise')).supervise();
      return (await import('./run-commands')).serveCommand(command, values);
    case 'server':
      return (await import('./run-commands')).serveCommand(command, values);
    case 'vault':
      return (await import('./run-commands')).vaultAloneCommand(values);
    case 'migrate':
      return (await import('./store-commands')).migrateCommand(values);
    case 'admin':
      return (await import('./store-commands')).adminCreateCommand(positionals, values);
    case 'audit':
      return (await import('./store-commands')).auditCommand(positionals, values);
    case 'backup':
      return (await import('./backup-commands')).backupCommand(values);
    case 'restore':
      return (await import('./backup-commands')).restoreCommand(values);
    case 'doctor':
      return (await import('./doctor-command')).doctorCommand(values);
    case 'data':
      return (await import('./data-commands')).dataCommand(positionals, values);
    case 'keys':
      return (await import('./keys-commands')).keysCommand(positionals, values);
    case 'mask': {
      const { runMaskCli } = await import('@parley/masking/cli');
      process.exitCode = await runMaskCli(process.stdin, process.stdout);
      return;
    }
    default:
      fail(`unknown command "${command}". Run \`parley --help\`.`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`parley: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
