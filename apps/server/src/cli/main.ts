import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config';
import { startServer, storeOptionsFor, VERSION } from '../main';
import { createStore } from '../store';
import { hashPassword } from '../modules/auth';
import { auditVerifyOptions, verifyAudit } from '../modules/audit';
import { bootstrap, generatePassword } from './bootstrap';
import { ensureEdgeSecrets } from './secrets';

const HELP = `parley ${VERSION} — self-hosted live chat with in-chat payments and PCI masking

Usage: parley <command> [options]

Commands:
  start [--data-dir DIR] [--port N] [--host H]
                    First run creates an organisation and an admin (password shown once),
                    then runs the server and the vault (next port up) and prints the URLs.
  server [--data-dir DIR] [--port N] [--host H]
                    Runs one server node only (no bootstrap); any number can share
                    DATABASE_URL and REDIS_URL behind a load balancer.
  vault [--data-dir DIR] [--port N]
                    Runs the payment vault alone.
  migrate [--data-dir DIR]
                    Applies database migrations and exits.
  admin create --email E [--name N] [--org KEY] [--data-dir DIR]
                    Creates an admin; prints a generated password once.
  audit verify [--data-dir DIR]
                    Checks the hash chain of the audit log (or DATABASE_URL's); exits 0 when
                    intact, 1 naming each edited, deleted or reordered entry.
  mask              Masks JSON Lines from stdin: {"conversation","sender","text"} per line.
  --help, -h        This text.   --version   The version.

Environment: DATABASE_URL (PostgreSQL instead of SQLite), REDIS_URL (multi-node bus),
PARLEY_PUBLIC_URL, PARLEY_LOG_LEVEL, PARLEY_TRUST_PROXY, PARLEY_VAULT_URL with
PARLEY_VAULT_SECRET_OUT / PARLEY_VAULT_SECRET_IN (server nodes); see docs/configuration.md.`;

const ROOT = resolve(import.meta.dirname, '../../../..');

function fail(message: string, code = 2): never {
  process.stderr.write(`parley: ${message}\n`);
  process.exit(code);
}

function config(values: {
  'data-dir'?: string | undefined;
  port?: string | undefined;
  host?: string | undefined;
}): Config {
  try {
    return loadConfig(process.env, {
      dataDir: values['data-dir'],
      port: values.port,
      host: values.host,
    });
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
}

function onShutdown(fn: () => Promise<void>): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    fn().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Starts the vault as its own process (it never shares memory or code with the server). */
function spawnVault(
  cfg: Config,
  port: number,
  serverUrl: string,
  serverPublicUrl: string = serverUrl,
): ChildProcess | undefined {
  const entry = resolve(ROOT, 'apps/vault/src/main.ts');
  if (!existsSync(entry)) return undefined;
  const secrets = ensureEdgeSecrets(cfg.dataDir);
  const host = cfg.host === '0.0.0.0' ? 'localhost' : cfg.host;
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      VAULT_PORT: String(port),
      VAULT_HOST: cfg.host,
      VAULT_PUBLIC_URL: process.env.VAULT_PUBLIC_URL ?? `http://${host}:${port}`,
      VAULT_DATA_DIR: resolve(cfg.dataDir, 'vault'),
      VAULT_SERVER_URL: serverUrl,
      // The pay window posts its courtesy message to the chat's origin as browsers see it.
      VAULT_SERVER_PUBLIC_URL: process.env.VAULT_SERVER_PUBLIC_URL ?? serverPublicUrl,
      VAULT_SIGNING_SECRET_IN: secrets.serverToVault,
      VAULT_SIGNING_SECRET_OUT: secrets.vaultToServer,
    },
  });
  return child;
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
  const options = {
    'data-dir': { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    org: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options,
      allowPositionals: true,
      strict: true,
    }));
  } catch (err) {
    fail(`${err instanceof Error ? err.message : String(err)}\nRun \`parley --help\`.`);
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }

  switch (command) {
    case 'start':
    case 'server': {
      let cfg = config(values);
      if (command === 'start' && !cfg.vaultUrl) {
        // Embedded: the vault runs next door on the next port up, with secrets from the data directory.
        const secrets = ensureEdgeSecrets(cfg.dataDir);
        const vaultHost = cfg.host === '0.0.0.0' ? 'localhost' : cfg.host;
        cfg = {
          ...cfg,
          vaultUrl: `http://${vaultHost}:${cfg.port + 1}`,
          vaultSecretOut: secrets.serverToVault,
          vaultSecretIn: secrets.vaultToServer,
        };
      }
      const server = await startServer(cfg);
      let vault: ChildProcess | undefined;
      if (command === 'start') {
        const { orgKey, admin } = await bootstrap(server.store, {
          publicOrigin: new URL(server.url).origin,
        });
        vault = spawnVault(
          cfg,
          server.port + 1,
          `http://${cfg.host === '0.0.0.0' ? 'localhost' : cfg.host}:${server.port}`,
          server.url,
        );
        // Printed to the terminal only, never through the logger or to a file.
        const lines = [
          '',
          `  Parley is running (${server.store.dialect}, ${cfg.redisUrl ? 'redis' : 'in-process'} bus, test payment gateway).`,
          `  Console:    ${server.url}/`,
          `  Demo page:  ${server.url}/demo?org=${orgKey}`,
        ];
        if (vault)
          lines.push(
            `  Vault:      http://${cfg.host === '0.0.0.0' ? 'localhost' : cfg.host}:${server.port + 1}/`,
          );
        if (admin) {
          lines.push(
            '',
            `  First run: admin account ${admin.email}`,
            `  One-time password: ${admin.password}`,
            '  (shown only now; it is stored only as a hash)',
          );
        }
        process.stdout.write(`${lines.join('\n')}\n\n`);
      }
      onShutdown(async () => {
        vault?.kill('SIGTERM');
        await server.close();
      });
      return;
    }
    case 'vault': {
      const cfg = config(values);
      const vault = spawnVault(
        cfg,
        cfg.port,
        process.env.VAULT_SERVER_URL ?? `http://localhost:${cfg.port - 1}`,
      );
      if (!vault) fail('the vault is not installed in this build');
      vault.on('exit', (code) => process.exit(code ?? 0));
      onShutdown(async () => void vault.kill('SIGTERM'));
      return;
    }
    case 'migrate': {
      const cfg = config(values);
      const store = await createStore(storeOptionsFor(cfg));
      await store.migrate();
      await store.close();
      process.stdout.write(`migrations applied (${store.dialect})\n`);
      return;
    }
    case 'admin': {
      if (positionals[0] !== 'create')
        fail('usage: parley admin create --email E [--name N] [--org KEY]');
      if (!values.email) fail('--email is required');
      const cfg = config(values);
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
        if (await store.agents.byEmail(values.email.toLowerCase()))
          fail(`an account with e-mail ${values.email} exists already`);
        const password = generatePassword();
        const created = await store.agents.create({
          orgId: org.id,
          email: values.email.toLowerCase(),
          name: values.name ?? 'Admin',
          role: 'admin',
          passwordHash: await hashPassword(password),
        });
        // One-time: replaced at first sign-in, like an invited agent's.
        await store.security.setMustChangePassword(org.id, created.id, true);
        process.stdout.write(
          `admin ${values.email.toLowerCase()} created in ${org.name}\none-time password: ${password}\n`,
        );
      } finally {
        await store.close();
      }
      return;
    }
    case 'audit': {
      if (positionals[0] !== 'verify') fail('usage: parley audit verify [--data-dir DIR]');
      const cfg = config(values);
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
      return;
    }
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
