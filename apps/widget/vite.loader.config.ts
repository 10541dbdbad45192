import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The loader is one classic script (IIFE) that host pages include with a
// <script> tag, so it has no imports, no chunks and no CSS file.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  publicDir: false,
  build: {
    outDir: 'dist/loader',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    lib: {
      entry: fileURLToPath(new URL('src/loader/main.ts', import.meta.url)),
      formats: ['iife'],
      name: 'ParleyWidgetLoader',
      fileName: () => 'widget.js',
    },
  },
});
