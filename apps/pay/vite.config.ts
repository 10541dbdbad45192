// The pay page: built to apps/pay/dist and served by the vault under /pay/.
// Nothing inline (CSP default-src 'self'): no modulepreload polyfill, no
// inlined assets; the vault adds SRI integrity attributes at startup.
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/pay/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    cssCodeSplit: false,
    sourcemap: false,
  },
});
