import { resolve } from 'node:path';

export interface NodeCommand {
  args: string[];
  cwd: string;
}

/**
 * How to run the vault as its own process: `node dist/vault.js` from the build;
 * from source (development, tests) its TypeScript entry through tsx. The
 * production build (scripts/build-node.mjs) defines `import.meta.parleyDist`
 * and drops the from-source branch, so compiled code looks only inside dist/.
 */
export function vaultCommand(): NodeCommand {
  if ((import.meta as ImportMeta & { parleyDist?: boolean }).parleyDist)
    return { args: [resolve(import.meta.dirname, 'vault.js')], cwd: process.cwd() };
  const root = resolve(import.meta.dirname, '../../../..');
  return { args: ['--import', 'tsx', resolve(root, 'apps/vault/src/main.ts')], cwd: root };
}
