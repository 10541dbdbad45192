#!/usr/bin/env node
// Parley's command line: runs the compiled code in dist/ with plain Node (no
// TypeScript loader at run time). `npm run build` makes dist/; `npm start`
// builds first. From source, for development: `npm run dev -- <command>`.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    'parley: not built yet; run `npm run build` first (npm start does it for you)\n',
  );
  process.exit(2);
}
await import(cli.href);
