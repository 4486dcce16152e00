// Shared libraries for extension bundles: each becomes an entry
// `console/shared/<file>.js` that re-exports the library, and the page's
// import map points the bare specifier at it. Libraries published only as
// CommonJS (React) are re-exported under their real export names, read here
// from the library itself, so bundles can `import { useState } from 'react'`.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const PREFIX = '\0mortise-shared:';

/** Bare specifier → file under /console/shared/, and whether the library is CommonJS. */
export const SHARED = [
  { specifier: 'react', file: 'react', commonjs: true },
  { specifier: 'react/jsx-runtime', file: 'react-jsx-runtime', commonjs: true },
  { specifier: 'react-dom', file: 'react-dom', commonjs: true },
  { specifier: 'react-dom/client', file: 'react-dom-client', commonjs: true },
  { specifier: '@mantine/core', file: 'mantine-core', commonjs: false },
  { specifier: '@mantine/hooks', file: 'mantine-hooks', commonjs: false },
  { specifier: '@mortise/console-sdk', file: 'console-sdk', source: '/src/sdk/index.ts' },
];

function moduleSource(entry) {
  if (entry.source) return `export * from ${JSON.stringify(entry.source)};`;
  if (!entry.commonjs) return `export * from ${JSON.stringify(entry.specifier)};`;
  const names = Object.keys(require(entry.specifier)).filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n));
  return [
    `import lib from ${JSON.stringify(entry.specifier)};`,
    'export default lib;',
    `export const { ${names.join(', ')} } = lib;`,
  ].join('\n');
}

export function importMap() {
  return { imports: Object.fromEntries(SHARED.map((e) => [e.specifier, `/console/shared/${e.file}.js`])) };
}

export function sharedModules() {
  return {
    name: 'mortise-shared-modules',
    resolveId(id) {
      return id.startsWith(PREFIX) ? id : undefined;
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return undefined;
      const entry = SHARED.find((e) => e.file === id.slice(PREFIX.length));
      return entry ? moduleSource(entry) : undefined;
    },
    transformIndexHtml() {
      // Before every module script: an import map must precede the first module load.
      return [
        {
          tag: 'script',
          attrs: { type: 'importmap' },
          children: JSON.stringify(importMap()),
          injectTo: 'head-prepend',
        },
      ];
    },
  };
}

sharedModules.entries = Object.fromEntries(SHARED.map((e) => [`shared/${e.file}`, `${PREFIX}${e.file}`]));
