import { watch, type FSWatcher } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { EXTENSIONS_API } from '../install-plan-client.js';
import type { Output } from '../output.js';
import { npmScripts, runNpm } from '../run-npm.js';
import { readConfigInput, collect } from './config-input.js';

export const DEVLOADS_PATH = `${EXTENSIONS_API}/devloads`;
/** Changes closer together than this are one reload (editors write several files at once). */
const DEBOUNCE_MS = 300;
const IGNORED = ['node_modules', '.git'];

interface DevLoad {
  metadata: { name: string };
  status?: { version?: string; conditions?: { type: string; status: string; message?: string }[] };
}

interface DevOptions {
  config?: string;
  set?: string[];
  build: boolean;
  watch: boolean;
  keep?: boolean;
}

export function registerDevCommand(program: Command, ctx: CliContext): void {
  program
    .command('dev')
    .description('load an extension project into the running kernel (devloads API) and reload it on every change')
    .argument('[dir]', 'the extension project', '.')
    .option('--config <file>', 'install config, YAML or JSON')
    .option('--set <key=value>', 'one config value (repeatable)', collect)
    .option('--no-build', 'do not run `npm run build` before each load')
    .option('--no-watch', 'load once and exit')
    .option('--keep', 'leave the extension loaded when dev stops (default: unload on Ctrl-C)')
    .addHelpText(
      'after',
      `
The kernel must serve development loads (MORTISE_DEV_LOADS=true) and you must
be a platform admin. Changes under the project (except node_modules) rebuild
and reload it; the kernel upgrades in place, requests in flight finish.

Examples:
  $ mortise dev
  $ mortise dev ./hello --set greeting=Hi
  $ mortise dev --no-watch --output json`,
    )
    .action(async (dir: string, options: DevOptions) => {
      const directory = resolve(ctx.cwd, dir);
      const kernel = await ctx.kernel();
      const output = ctx.output();
      const config = await readConfigInput(options.config, options.set);
      const hasBuild = options.build && (await npmScripts(directory)).build !== undefined;
      const load = async (): Promise<DevLoad> => {
        if (hasBuild) {
          output.progress('building…');
          if ((await runNpm(directory, ['run', 'build'])) !== 0)
            throw new CliError('the build failed', ExitCode.Failed);
        }
        const loaded = await kernel.request<DevLoad>('POST', DEVLOADS_PATH, {
          body: { directory, ...(config ? { config } : {}) },
        });
        output.progress(
          `loaded ${loaded.metadata.name} ${loaded.status?.version ?? ''} from ${directory} into ${kernel.server}`,
        );
        return loaded;
      };
      const first = await load();
      output.result(first, () => '');
      if (!options.watch) return;
      await watchAndReload(directory, output, load);
      if (!options.keep) {
        await kernel.request('DELETE', `${DEVLOADS_PATH}/${encodeURIComponent(first.metadata.name)}`, { allow: [404] });
        output.progress(`unloaded ${first.metadata.name}`);
      }
    });
}

/**
 * Reloads after each burst of changes until SIGINT/SIGTERM. A build's own
 * writes (to dist/) during a reload are not another change; a failed reload
 * is reported and the previous version keeps serving.
 */
async function watchAndReload(directory: string, output: Output, load: () => Promise<DevLoad>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let reloading: Promise<void> | undefined;
  let pending = false;
  const reload = (): void => {
    if (reloading) {
      pending = true;
      return;
    }
    reloading = load()
      .then(() => undefined)
      .catch((err: unknown) => void output.progress(`reload failed: ${(err as Error).message}`))
      .finally(() => {
        reloading = undefined;
        if (pending) {
          pending = false;
          reload();
        }
      });
  };
  const watcher: FSWatcher = watch(directory, { recursive: true }, (_event, file) => {
    const path = String(file ?? '');
    if (IGNORED.some((part) => path === part || path.startsWith(`${part}${sep}`))) return;
    // While we build, dist/ changes are our own.
    if (reloading && (path === 'dist' || path.startsWith(`dist${sep}`))) return;
    clearTimeout(timer);
    timer = setTimeout(reload, DEBOUNCE_MS);
  });
  output.progress('watching for changes; Ctrl-C stops');
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  watcher.close();
  clearTimeout(timer);
  await reloading;
}
