// Builds the browser apps (console, widget loader and frame, pay page) with
// Vite, each into <app>/dist as its vite config says, then assembles dist/web:
//
//   dist/web/console/   the agent console (served at /)
//   dist/web/frame/     the chat frame (served at /frame/)
//   dist/web/loader/    widget.js, the loader customers' pages include
//   dist/web/pay/       the pay page (served by the vault at /pay/)
//
// and precompresses every file there (brotli and gzip). The server and the
// vault read dist/web both from source and from the compiled build.
import { build } from 'vite';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { precompressDir } from './precompress.mjs';

const ROOT = resolve(import.meta.dirname, '..');
export const WEB = join(ROOT, 'dist/web');

const apps = [
  { config: 'apps/console/vite.config.ts', out: 'apps/console/dist', to: 'console' },
  { config: 'apps/widget/vite.loader.config.ts', out: 'apps/widget/dist/loader', to: 'loader' },
  { config: 'apps/widget/vite.frame.config.ts', out: 'apps/widget/dist/frame', to: 'frame' },
  { config: 'apps/pay/vite.config.ts', out: 'apps/pay/dist', to: 'pay' },
];

/** Builds every web app and assembles dist/web, precompressed. */
export async function buildWeb() {
  rmSync(WEB, { recursive: true, force: true });
  mkdirSync(WEB, { recursive: true });
  for (const app of apps) {
    const file = join(ROOT, app.config);
    if (!existsSync(file)) continue;
    const started = Date.now();
    await build({ configFile: file, logLevel: 'warn' });
    // Precompressed in place too, so the vault run from source (apps/pay/dist) has them.
    precompressDir(join(ROOT, app.out));
    cpSync(join(ROOT, app.out), join(WEB, app.to), { recursive: true });
    console.log(`built ${app.config} in ${Date.now() - started} ms`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  await buildWeb();
}
