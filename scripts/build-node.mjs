// The production build of Parley's Node side: esbuild bundles every Node entry
// point into dist/, where `bin/parley.mjs` runs it with plain `node` (no tsx).
//
//   dist/cli.js            the command line; each command's code is a lazily
//                          loaded chunk, so `parley --help` loads none of it
//   dist/vault.js          the vault process (`parley start` spawns it)
//   dist/sqlite-writer.mjs the SQLite writer thread (a worker_threads entry)
//   dist/sqlite-checkpointer.mjs the SQLite WAL checkpointer thread (likewise)
//   dist/common-passwords.txt, dist/web/  data files the code reads at run time
//
// Everything is flat in dist/ so that `new URL('./x', import.meta.url)` and
// import.meta.dirname mean dist/ in every chunk. Workspace packages (@parley/*)
// are bundled; third-party packages stay in node_modules (native addons such as
// better-sqlite3 and argon2 cannot be bundled). The define
// `import.meta.parleyDist` tells compiled code to look for its files in dist/;
// minifySyntax then drops the from-source branches, so no path into apps/*/src
// is left in the output.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
export const DIST = join(ROOT, 'dist');

// Native addons (and what loads them by path) stay in node_modules.
const EXTERNAL = (
  process.env.PARLEY_BUILD_EXTERNAL ?? 'better-sqlite3,@node-rs/argon2,pg-native'
).split(',');

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  define: { 'import.meta.parleyDist': 'true' },
  external: EXTERNAL,
  // Bundled CommonJS calls require() for Node built-ins; give the ESM output one.
  banner: {
    js: "import { createRequire as __parleyRequire } from 'node:module'; const require = __parleyRequire(import.meta.url);",
  },
};

/** Data files read at run time with `new URL(name, import.meta.url)`; copied beside the bundle. */
const DATA_FILES = ['apps/server/src/modules/auth/common-passwords.txt'];

/** Builds dist/ (the Node side only; scripts/build-web.mjs adds dist/web). Returns the outputs. */
export async function buildNode({ quiet = false } = {}) {
  const started = Date.now();
  mkdirSync(DIST, { recursive: true });
  // Old chunks have other hashes: clear every file of a previous build (dist/web stays).
  for (const name of readdirSync(DIST)) if (/\.(m?js|txt)$/.test(name)) rmSync(join(DIST, name));
  const main = await build({
    ...common,
    entryPoints: {
      cli: join(ROOT, 'apps/server/src/cli/main.ts'),
      vault: join(ROOT, 'apps/vault/src/main.ts'),
    },
    outdir: DIST,
    splitting: true,
    chunkNames: '[name]-[hash]',
    metafile: true,
  });
  // The writer thread is loaded by `new Worker(new URL('./sqlite-writer.mjs', ...))`:
  // its own bundle, under the same name, beside the code that starts it.
  await build({
    ...common,
    entryPoints: [join(ROOT, 'apps/server/src/store/sqlite-writer.mjs')],
    outfile: join(DIST, 'sqlite-writer.mjs'),
  });
  // The WAL checkpointer thread, loaded the same way (sqlite-checkpoint.ts).
  await build({
    ...common,
    entryPoints: [join(ROOT, 'apps/server/src/store/sqlite-checkpointer.mjs')],
    outfile: join(DIST, 'sqlite-checkpointer.mjs'),
  });
  for (const file of DATA_FILES) {
    const to = join(DIST, file.slice(file.lastIndexOf('/') + 1));
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(ROOT, file), to);
  }
  writeFileSync(join(DIST, '.node-build'), `${new Date().toISOString()}\n`);
  if (!quiet) console.log(`built dist/ (node) in ${Date.now() - started} ms`);
  return Object.keys(main.metafile.outputs);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  await buildNode();
}
