// `npm run typecheck`: every TypeScript project of the repository, each with the
// types of where its code runs (DOM for browser code, Node for Node code,
// neither for the shared pure packages). Runs them in turn; exits non-zero if
// any fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
export const PROJECTS = [
  'tsconfig.json',
  'apps/server/tsconfig.json',
  'apps/vault/tsconfig.json',
  'apps/console/tsconfig.json',
  'apps/widget/tsconfig.json',
  'apps/pay/tsconfig.json',
  'packages/protocol/tsconfig.json',
  'packages/masking/tsconfig.json',
  'packages/signing/tsconfig.json',
  'packages/i18n/tsconfig.json',
  'packages/realtime-client/tsconfig.json',
  'e2e/tsconfig.json',
];

const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
let failed = 0;
for (const project of PROJECTS) {
  if (!existsSync(join(ROOT, project))) continue;
  const res = spawnSync(process.execPath, [tsc, '-p', project, '--noEmit'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (res.status !== 0) {
    failed++;
    console.error(`typecheck failed: ${project}`);
  }
}
process.exit(failed ? 1 : 0);
