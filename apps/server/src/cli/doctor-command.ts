import { cliConfig, type CliValues } from './common';
import { formatDoctor, runDoctor } from './doctor';

/**
 * `parley doctor [--json] [--evidence DIR] [--smtp-test ADDRESS]`: the report on stdout; exit 1 when a
 * check failed. With --evidence, also the evidence bundle (./evidence.ts); a
 * card number found in the stores fails the run.
 */
export async function doctorCommand(values: CliValues): Promise<void> {
  const cfg = cliConfig(values);
  const checks = await runDoctor(cfg);
  if (values['smtp-test']) {
    const { smtpTest } = await import('./doctor-smtp');
    checks.push(await smtpTest(cfg, values['smtp-test']));
  }
  if (values.evidence) {
    const { writeEvidence } = await import('./evidence');
    const { files, leaks } = await writeEvidence(cfg, values.evidence, checks);
    checks.push(
      leaks === 0
        ? {
            name: 'evidence bundle',
            status: 'pass',
            detail: `${files.length} files in ${values.evidence}; no card number in the stores`,
          }
        : {
            name: 'evidence bundle',
            status: 'fail',
            detail: `${leaks} card number(s) found in the stores (see card-scan.json in ${values.evidence})`,
            fix: 'erase the conversations named in card-scan.json (`parley data erase`) and report the finding as an incident',
          },
    );
  }
  process.stdout.write(
    values.json ? `${JSON.stringify({ checks }, null, 2)}\n` : `${formatDoctor(checks)}\n`,
  );
  if (checks.some((c) => c.status === 'fail')) process.exitCode = 1;
}
