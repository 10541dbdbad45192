// Builds the browser apps (console, widget loader and frame, pay page) with
// Vite. Each app's vite.config.ts decides its own output under <app>/dist.
import { build } from 'vite';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const configs = [
  'apps/console/vite.config.ts',
  'apps/widget/vite.loader.config.ts',
  'apps/widget/vite.frame.config.ts',
  'apps/pay/vite.config.ts',
];
for (const config of configs) {
  const file = resolve(config);
  if (!existsSync(file)) continue;
  const started = Date.now();
  await build({ configFile: file, logLevel: 'warn' });
  console.log(`built ${config} in ${Date.now() - started} ms`);
}
