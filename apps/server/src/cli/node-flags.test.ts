import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SERVER_SEMI_SPACE_MB, withServerNodeFlags } from './node-flags';

describe('withServerNodeFlags', () => {
  it('adds the young generation size the server is tuned for', () => {
    expect(withServerNodeFlags(['--enable-source-maps'], '')).toEqual([
      '--enable-source-maps',
      `--max-semi-space-size=${SERVER_SEMI_SPACE_MB}`,
    ]);
  });

  it("keeps the operator's own choice, on the command line or in NODE_OPTIONS", () => {
    expect(withServerNodeFlags(['--max-semi-space-size=8'], '')).toEqual([
      '--max-semi-space-size=8',
    ]);
    expect(withServerNodeFlags([], '--max_semi_space_size=4 --trace-warnings')).toEqual([]);
  });

  it('is a flag this Node accepts', () => {
    const r = spawnSync(
      process.execPath,
      [...withServerNodeFlags([], ''), '-e', "process.stdout.write('started')"],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('started');
    expect(r.status).toBe(0);
  });
});
