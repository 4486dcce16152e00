import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { CLI_VERSION } from '../cli-version.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { moduleTemplates } from '../scaffold/module-templates.js';
import { projectFiles, sdkTarballs } from '../scaffold/project-files.js';
import { EXTENSION_KINDS, scaffoldNames, type ExtensionKind } from '../scaffold/scaffold-names.js';
import { serviceTemplates } from '../scaffold/service-templates.js';

/** Where the build leaves the SDK tarballs (`scripts/pack-sdk.mjs`). */
export const SDK_TARBALL_DIR = fileURLToPath(new URL('./sdk/', new URL('..', import.meta.url)));

interface CreateOptions {
  kind: ExtensionKind;
  directory?: string;
  group?: string;
}

export function registerCreateCommand(program: Command, ctx: CliContext): void {
  program
    .command('create')
    .description('scaffold a new extension project with a test that passes offline')
    .argument('<name>', 'extension name: lower-case letters, digits and dashes')
    .addOption(
      new Option('-k, --kind <kind>', 'module: in-process Nest module; service: remote HTTP service')
        .choices([...EXTENSION_KINDS])
        .default('module'),
    )
    .option('-d, --directory <dir>', 'where to create it (default: ./<name>)')
    .option('--group <group>', 'the API group it owns (default: <name>.extensions.example.com)')
    .addHelpText(
      'after',
      `
The project depends on the Mortise SDK (and, for modules, the test harness)
through tarballs copied into vendor/; the rest comes from the npm registry.

Examples:
  $ mortise create hello
  $ mortise create notes --kind service --group notes.acme.io
  $ cd hello && npm install && mortise test`,
    )
    .action(async (name: string, options: CreateOptions) => {
      const output = ctx.output();
      const names = scaffoldNames(name, CLI_VERSION, options.group);
      const target = resolve(ctx.cwd, options.directory ?? name);
      if ((await readdir(target).catch(() => [])).length > 0) {
        throw new CliError(
          `${target} exists and is not empty; choose another --directory`,
          ExitCode.Conflict,
          'AlreadyExists',
        );
      }
      const files = {
        ...projectFiles(names, options.kind),
        ...(options.kind === 'module' ? moduleTemplates(names) : serviceTemplates(names)),
      };
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(target, path)), { recursive: true });
        await writeFile(join(target, path), content);
      }
      await copySdkTarballs(join(target, 'vendor'), options.kind);
      output.progress(`Created ${options.kind} extension ${name} in ${target}`);
      output.result(
        { name, kind: options.kind, directory: target, files: [...Object.keys(files), 'vendor/'].sort() },
        () => `Next:\n  cd ${options.directory ?? name}\n  npm install\n  mortise test`,
      );
    });
}

async function copySdkTarballs(vendor: string, kind: ExtensionKind): Promise<void> {
  await mkdir(vendor, { recursive: true });
  const tarballs = sdkTarballs(CLI_VERSION);
  const wanted = kind === 'module' ? Object.values(tarballs) : [tarballs.api, tarballs.sdk];
  for (const file of wanted) {
    await copyFile(join(SDK_TARBALL_DIR, file), join(vendor, file)).catch(() => {
      throw new CliError(
        `this mortise build has no ${file} in ${SDK_TARBALL_DIR}; build the CLI with \`npm run build\``,
        ExitCode.Failed,
      );
    });
  }
}
