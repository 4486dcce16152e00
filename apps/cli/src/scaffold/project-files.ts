import type { ExtensionKind, ScaffoldNames } from './scaffold-names.js';

/** The SDK tarballs the CLI ships, as `mortise create` copies them into `vendor/`. */
export function sdkTarballs(version: string): Record<'api' | 'sdk' | 'sdkTesting', string> {
  return {
    api: `mortise-api-${version}.tgz`,
    sdk: `mortise-sdk-${version}.tgz`,
    sdkTesting: `mortise-sdk-testing-${version}.tgz`,
  };
}

/** package.json, tsconfig, README and .gitignore of a new extension project. */
export function projectFiles(n: ScaffoldNames, kind: ExtensionKind): Record<string, string> {
  const tarballs = sdkTarballs(n.sdkVersion);
  const sdk = {
    '@mortise/api': `file:vendor/${tarballs.api}`,
    '@mortise/sdk': `file:vendor/${tarballs.sdk}`,
    // Peers of the SDK (its decorators are Nest's).
    '@nestjs/common': '^12.5.1',
    'reflect-metadata': '^0.2.2',
    rxjs: '^7.8.2',
  };
  const tools = { '@types/node': '^20.17.0', typescript: '~6.0.3' };
  const pkg = {
    name: n.name,
    version: '0.1.0',
    private: true,
    description: `${n.title}, a Mortise extension.`,
    type: 'module',
    main: './dist/index.js',
    files: ['dist', 'extension.yaml'],
    scripts: {
      build: 'tsc -p .',
      // Files, not `dist/`: Node 22+ reads a directory argument as one file. The shell expands the glob.
      test: 'tsc -p . && node --test dist/*.test.js',
      ...(kind === 'service' ? { start: 'node dist/main.js' } : {}),
    },
    // An in-process extension gets the SDK, Nest and rxjs from the kernel at run time: all dev-only.
    // A service runs on its own and needs the SDK (identity verification) at run time.
    ...(kind === 'module'
      ? {
          devDependencies: {
            ...sdk,
            '@mortise/sdk-testing': `file:vendor/${tarballs.sdkTesting}`,
            '@nestjs/core': '^12.5.1',
            ...tools,
          },
        }
      : { dependencies: { ...sdk, jose: '^6.2.18' }, devDependencies: tools }),
  };
  const tsconfig = {
    compilerOptions: {
      target: 'ES2023',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      useDefineForClassFields: false,
      skipLibCheck: true,
      sourceMap: true,
      rootDir: 'src',
      outDir: 'dist',
      types: ['node'],
    },
    include: ['src'],
  };
  const run =
    kind === 'module'
      ? 'mortise dev            # load it into the kernel you are logged in to (MORTISE_DEV_LOADS=true), reload on change'
      : 'npm run build && MORTISE_ISSUER=http://127.0.0.1:8080 npm start   # the service, on :8090';
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(tsconfig, null, 2)}\n`,
    '.gitignore': 'node_modules/\ndist/\n*.tgz\n!vendor/*.tgz\n',
    'README.md': `# ${n.title}

A Mortise ${kind === 'module' ? 'in-process extension (a Nest module the kernel loads)' : 'remote extension (its own service behind the kernel’s gateway)'}.

\`\`\`sh
npm install
mortise test           # npm test: compiles and runs the tests, offline
${run}
mortise package        # ${n.name}-0.1.0.tgz
mortise sign ${n.name}-0.1.0.tgz --key publisher.key.json
mortise publish ${n.name}-0.1.0.tgz --kernel
mortise install ${n.name}
\`\`\`

\`vendor/\` holds the Mortise SDK${kind === 'module' ? ' and test harness' : ''} as tarballs (they are on no public registry);
\`mortise create\` copied them from the CLI. \`extension.yaml\` is the package manifest.
`,
  };
}
