// `npm run build`: the web apps (Vite, precompressed, into dist/web) and the
// Node entry points (esbuild, into dist/). `--node` or `--web` builds one half.
import { buildNode } from './build-node.mjs';
import { buildWeb } from './build-web.mjs';

const only = process.argv[2];
if (only !== '--node') await buildWeb();
if (only !== '--web') await buildNode();
