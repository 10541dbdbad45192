import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The chat frame, served by the Parley server at /frame/ under a strict CSP
// (script-src 'self'): no inline scripts, no third-party origins.
export default defineConfig({
  root: fileURLToPath(new URL('src/frame', import.meta.url)),
  base: '/frame/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('dist/frame', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
