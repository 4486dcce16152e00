// Packs what a scaffolded extension needs from this repository into npm
// tarballs, apps/cli/dist/sdk/*.tgz, which `mortise create` copies into the
// new project and depends on with `file:` — @mortise/* is on no public
// registry. Run by the root `npm run build` after `tsc -b`.
//
// - @mortise/api and @mortise/sdk: their compiled output as is. Inside the
//   tarballs their @mortise dependencies become peer dependencies, met by the
//   project's own file: dependencies: one copy of each, so domain errors and
//   injection tokens are the same objects for the extension and the harness.
// - @mortise/sdk-testing: one ESM bundle with the runtime and the libs it
//   uses inlined (they are kernel code, not a contract), the runtime's resolve
//   hook beside it, and the declarations of the runtime types it names.
//   Third-party packages stay external and are listed as dependencies, so
//   the extension and the harness share one Nest. The sqlite and Kubernetes
//   store bindings are stubbed: the harness runs on the memory store.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const out = join(root, 'apps/cli/dist/sdk');
const staging = mkdtempSync(join(tmpdir(), 'mortise-sdk-pack-'));
const SHARED = ['@mortise/api', '@mortise/sdk'];
const STUBBED = ['better-sqlite3', '@kubernetes/client-node'];
const INLINED = ['@mortise/sdk-testing', '@mortise/runtime', '@mortise/authz', '@mortise/store'];

const pkg = (lib) => JSON.parse(readFileSync(join(root, 'libs', lib, 'package.json'), 'utf8'));
const thirdParty = (deps = {}) => Object.fromEntries(Object.entries(deps).filter(([n]) => !n.startsWith('@mortise/')));
const mortisePeers = (deps = {}) => Object.fromEntries(Object.entries(deps).filter(([n]) => n.startsWith('@mortise/')));

/** Copies compiled output without specs, source maps or test fixtures. */
function copyDist(from, to, keep = (f) => /\.(js|d\.ts)$/.test(f), skipDirs = ['testing', 'e2e']) {
  for (const entry of readdirSync(from)) {
    const path = join(from, entry);
    if (statSync(path).isDirectory()) {
      if (!skipDirs.includes(entry)) copyDist(path, join(to, entry), keep, skipDirs);
    } else if (keep(entry) && !entry.includes('.spec.')) {
      mkdirSync(to, { recursive: true });
      cpSync(path, join(to, entry));
    }
  }
}

function writePackage(dir, manifest) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

const base = (name, description, extra) => ({
  name,
  version: pkg('sdk').version,
  description,
  license: 'Apache-2.0',
  type: 'module',
  exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
  ...extra,
});

// @mortise/api
{
  const dir = join(staging, 'api');
  copyDist(join(root, 'libs/api/dist'), join(dir, 'dist'));
  writePackage(
    dir,
    base('@mortise/api', 'Mortise resource kinds, schemas and domain errors.', {
      dependencies: pkg('api').dependencies,
    }),
  );
}

// @mortise/sdk
{
  const dir = join(staging, 'sdk');
  const sdk = pkg('sdk');
  copyDist(join(root, 'libs/sdk/dist'), join(dir, 'dist'));
  writePackage(
    dir,
    base('@mortise/sdk', 'What a Mortise extension imports: defineExtension, kernel service contracts, errors.', {
      dependencies: thirdParty(sdk.dependencies),
      peerDependencies: { ...mortisePeers(sdk.dependencies), ...sdk.peerDependencies },
    }),
  );
}

// @mortise/sdk-testing
{
  const dir = join(staging, 'sdk-testing');
  const stubs = {
    name: 'stub-native-stores',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (STUBBED.some((s) => args.path === s || args.path.startsWith(`${s}/`)))
          return { path: args.path, namespace: 'stub' };
        if (INLINED.some((s) => args.path === s)) return undefined;
        return { path: args.path, external: true };
      });
      b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
    },
  };
  await build({
    entryPoints: {
      index: join(root, 'libs/sdk-testing/dist/index.js'),
      'shared-packages.hooks': join(root, 'libs/runtime/dist/shared-packages.hooks.js'),
    },
    outdir: join(dir, 'dist'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    plugins: [stubs],
    logLevel: 'error',
    banner: {
      js: "import { createRequire as __mortiseRequire } from 'node:module'; const require = __mortiseRequire(import.meta.url);",
    },
  });
  copyDist(join(root, 'libs/sdk-testing/dist'), join(dir, 'dist'), (f) => f.endsWith('.d.ts'));
  copyDist(join(root, 'libs/runtime/dist'), join(dir, 'dist/runtime'), (f) => f.endsWith('.d.ts'), []);
  for (const file of readdirSync(join(dir, 'dist')).filter((f) => f.endsWith('.d.ts'))) {
    const path = join(dir, 'dist', file);
    writeFileSync(path, readFileSync(path, 'utf8').replaceAll("'@mortise/runtime'", "'./runtime/index.js'"));
  }
  const dependencies = {};
  for (const lib of ['sdk-testing', 'runtime', 'authz', 'store']) {
    for (const [name, range] of Object.entries(thirdParty(pkg(lib).dependencies))) {
      if (!STUBBED.includes(name)) dependencies[name] = range;
    }
  }
  writePackage(
    dir,
    base('@mortise/sdk-testing', 'Test harness for Mortise extensions: boots one extension in an in-memory kernel.', {
      dependencies,
      peerDependencies: Object.fromEntries(SHARED.map((n) => [n, pkg('sdk').version])),
    }),
  );
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const name of ['api', 'sdk', 'sdk-testing']) {
  execFileSync('npm', ['pack', '--silent', '--pack-destination', out], {
    cwd: join(staging, name),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
rmSync(staging, { recursive: true, force: true });
// The bin target is compiled after npm linked it, so npm could not mark it executable.
const main = join(root, 'apps/cli/dist/main.js');
if (existsSync(main)) chmodSync(main, 0o755);
process.stdout.write(`SDK tarballs in ${relative(process.cwd(), out) || '.'}: ${readdirSync(out).join(', ')}\n`);
