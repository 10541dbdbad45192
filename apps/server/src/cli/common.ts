import { ConfigError, loadConfig, type Config } from '../config';

export interface CliValues {
  'data-dir'?: string | undefined;
  port?: string | undefined;
  host?: string | undefined;
  email?: string | undefined;
  name?: string | undefined;
  org?: string | undefined;
  out?: string | undefined;
  from?: string | undefined;
  keys?: string | undefined;
  json?: boolean | undefined;
  evidence?: string | undefined;
  'smtp-test'?: string | undefined;
  'data-keys-from'?: string | undefined;
  conversation?: string | undefined;
  visitor?: string | undefined;
  subject?: string | undefined;
  yes?: boolean | undefined;
  'without-vault'?: boolean | undefined;
}

export function fail(message: string, code = 2): never {
  process.stderr.write(`parley: ${message}\n`);
  process.exit(code);
}

/** The validated config; a bad setting stops the command listing every problem. */
export function cliConfig(values: CliValues): Config {
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
