import { cliConfig, type CliValues } from './common';
import { formatDoctor, runDoctor } from './doctor';

/** `parley doctor [--json]`: the report on stdout; exit 1 when a check failed. */
export async function doctorCommand(values: CliValues): Promise<void> {
  const checks = await runDoctor(cliConfig(values));
  process.stdout.write(
    values.json ? `${JSON.stringify({ checks }, null, 2)}\n` : `${formatDoctor(checks)}\n`,
  );
  if (checks.some((c) => c.status === 'fail')) process.exitCode = 1;
}
