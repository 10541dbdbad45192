import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The agent console SPA, served by the Parley server at / under a strict CSP
// (script-src 'self'): no inline scripts, no third-party origins.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
