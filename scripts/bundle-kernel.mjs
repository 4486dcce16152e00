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
import { copyFileSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const DIST = 'apps/kernel/dist';

// Optional packages Nest and Fastify load only when used, and the native sqlite binding.
// (@fastify/static is bundled: the console routes load it at every start, and
// from node_modules file by file it cost a few MB more.)
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
  '@fastify/view',
  '@fastify/multipart',
  'point-of-view',
  'pino-pretty',
];

// Nest's console loggers build an `Intl.DateTimeFormat` when their module loads,
// which maps ~5 MB of ICU locale and time zone data into every kernel, though
// the kernel logs through pino and never formats a Nest timestamp. Built on
// first use instead; the build fails if Nest changes the line, so this is
// noticed rather than silently lost.
const NEST_DATE_FORMATTER = /const dateTimeFormatter = new Intl\.DateTimeFormat\(([^)]*)\);/;
const lazyNestDateFormatter = {
  name: 'lazy-nest-date-formatter',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /@nestjs[/\\]common[/\\]services[/\\](console-)?logger\.service\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!NEST_DATE_FORMATTER.test(source)) throw new Error(`${args.path}: Nest's date formatter line changed`);
      const contents = source.replace(
        NEST_DATE_FORMATTER,
        'let dateTimeFormat;\nconst dateTimeFormatter = { format: (date) => (dateTimeFormat ??= new Intl.DateTimeFormat($1)).format(date) };',
      );
      return { contents, loader: 'js' };
    });
  },
};

// npm installs ajv (one version) in four places: beside libs/api, ajv-formats,
// fast-json-stringify and Fastify's ajv-compiler. Bundled, each copy would be
// held in memory on its own; all resolve to the kernel's one copy instead.
const AJV_HOME = 'libs/api';
const singleAjv = {
  name: 'single-ajv',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^ajv(\/.*)?$/ }, (args) => {
      if (args.pluginData?.singleAjv) return undefined;
      return pluginBuild.resolve(args.path, {
        kind: args.kind,
        resolveDir: AJV_HOME,
        pluginData: { singleAjv: true },
      });
    });
  },
};

// Chunk names carry a content hash: drop the previous build's.
for (const file of readdirSync(DIST)) if (file.startsWith('mortise-')) rmSync(join(DIST, file));

await build({
  entryPoints: { mortise: 'apps/kernel/dist/main.js' },
  outdir: DIST,
  outExtension: { '.js': '.mjs' },
  // What the kernel imports on demand (the Kubernetes store's client) goes into
  // chunks loaded only then, not parsed and held in memory at every start.
  splitting: true,
  // Beside the entry: bundled code resolves files relative to itself (`../package.json`).
  chunkNames: 'mortise-[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  plugins: [lazyNestDateFormatter, singleAjv],
  sourcemap: 'linked',
  logLevel: 'error',
  // Whitespace and syntax only: Nest's errors and metadata keep class names.
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  // Licence comments in mortise.mjs.LEGAL.txt: one non-ASCII character in the
  // source makes V8 hold all of it as UTF-16, twice the memory.
  legalComments: 'external',
  charset: 'ascii',
  // Bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __mortiseRequire } from 'node:module'; const require = __mortiseRequire(import.meta.url);",
  },
});

// The runtime registers its hook module relative to its own code, now a chunk here.
copyFileSync('libs/runtime/dist/shared-packages.hooks.js', join(DIST, 'shared-packages.hooks.js'));
