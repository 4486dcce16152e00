// The console's build: the shell (index.html) plus one ES module per shared
// library under /console/shared/, which extension bundles import through
// the page's import map. Shell and shared modules are one graph, so a bundle
// gets the very React, Mantine and SDK instances the shell runs on.
import { defineConfig } from 'vite';
import { sharedModules } from './scripts/shared-modules.mjs';

export default defineConfig({
  root: 'web',
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  plugins: [sharedModules()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    rollupOptions: {
      input: { index: 'web/index.html', ...sharedModules.entries },
      preserveEntrySignatures: 'exports-only',
      // Mantine marks its modules "use client" (for React Server Components); meaningless in this bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
      output: {
        entryFileNames: (chunk) => (chunk.name.startsWith('shared/') ? 'console/[name].js' : 'assets/[name]-[hash].js'),
      },
    },
  },
});
