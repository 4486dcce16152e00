// Bundles the compiled kernel (apps/kernel/dist/main.js) into one ESM file,
// apps/kernel/dist/mortise.mjs, which `npm start` runs. Start-up is dominated
// by Node resolving, reading and compiling ~1,200 small module files (Nest,
// rxjs, TypeBox, ajv); one file roughly halves cold start and trims memory.
// Tests keep running the unbundled output, so both must work.
//
// Nest, Fastify, rxjs and the SDK are bundled too: in-process extensions get
// the kernel's own instances of them through the runtime's resolve hook
// (`data:` modules re-exporting a global the runtime fills), so the hook
// module is copied beside the bundle.
import { copyFileSync } from 'node:fs';
import { build } from 'esbuild';

// Optional packages Nest and Fastify load only when used, and the native sqlite binding.
const external = [
  'better-sqlite3',
  // argon2 finds its prebuilt native binding relative to its own files.
  'argon2',
  '@nestjs/microservices',
  '@nestjs/microservices/*',
  '@nestjs/websockets',
  '@nestjs/websockets/*',
  '@nestjs/platform-express',
  'class-validator',
  'class-transformer',
  '@fastify/static',
  '@fastify/view',
  '@fastify/multipart',
  'point-of-view',
  'pino-pretty',
];

await build({
  entryPoints: ['apps/kernel/dist/main.js'],
  outfile: 'apps/kernel/dist/mortise.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  sourcemap: 'linked',
  logLevel: 'error',
  // Bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __mortiseRequire } from 'node:module'; const require = __mortiseRequire(import.meta.url);",
  },
});

copyFileSync('libs/runtime/dist/shared-packages.hooks.js', 'apps/kernel/dist/shared-packages.hooks.js');
