import { Option, type Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import {
  INSTALL_PLANS_PATH,
  adoptPlan,
  autoInstalledFor,
  getPlan,
  planPath,
  updatePlan,
  type InstallPlan,
} from '../install-plan-client.js';
import { parseDuration, waitForPlan } from '../install-plan-watch.js';
import type { KernelClient } from '../kernel-client.js';
import { getMarketplaceItem } from '../marketplace-client.js';
import type { Output } from '../output.js';
import { collect, readConfigInput } from './config-input.js';

const PURGE_ANNOTATION = 'extensions.mortise.io/purge';

interface WaitFlags {
  wait: boolean;
  timeout: string;
}

function waitOptions(command: Command): Command {
  return command
    .option('--no-wait', 'return once the kernel accepted the change, without following the InstallPlan')
    .addOption(
      new Option('--timeout <duration>', 'how long to wait (e.g. 90s, 5m); exit 5 when exceeded').default('5m'),
    );
}

/** Follows the plan, printing each state it passes through on stderr. */
async function follow(
  kernel: KernelClient,
  output: Output,
  name: string,
  flags: WaitFlags,
  done: (plan: InstallPlan | undefined) => boolean,
  before?: InstallPlan,
): Promise<InstallPlan | undefined> {
  if (!flags.wait) return undefined;
  return waitForPlan(kernel, name, {
    done,
    timeoutMs: parseDuration(flags.timeout),
    ...(before ? { before } : {}),
    onState: (state, message) => output.progress(`${name}: ${state}${message ? ` (${message})` : ''}`),
  });
}

const settled = (version?: string) => (plan: InstallPlan | undefined) =>
  plan !== undefined &&
  plan.status?.state === 'Installed' &&
  (plan.status.observedGeneration ?? 0) >= (plan.metadata.generation ?? 0) &&
  (version === undefined || plan.status.version === version);

function planSummary(plan: InstallPlan | undefined, fallback: InstallPlan): Record<string, unknown> {
  const p = plan ?? fallback;
  return {
    name: p.metadata.name,
    version: p.status?.version ?? p.spec.extension.version,
    enabled: p.spec.enabled !== false,
    state: p.status?.state ?? 'Pending',
  };
}

export function registerLifecycleCommands(program: Command, ctx: CliContext): void {
  waitOptions(
    program
      .command('install')
      .description(
        'install an extension from the kernel’s repositories (creates its InstallPlan) and wait until Installed',
      )
      .argument('<extension>', 'extension name')
      .option('--version <version>', 'version to install (default: the recommended one)')
      .option('--config <file>', 'install config, YAML or JSON, checked against the extension’s configSchema')
      .option('--set <key=value>', 'one config value (repeatable; dots for nesting)', collect)
      .option('--workspace <name>', 'enable only for this workspace (repeatable; default: all)', collect)
      .option('--disabled', 'install without enabling it'),
  )
    .addHelpText(
      'after',
      `
Progress (the plan's state transitions) goes to stderr; on InstallFailed the
command exits 1 with the plan's reason. An extension the kernel installed
only as another's dependency becomes explicitly installed: it stays when
nothing needs it any more.

Examples:
  $ mortise install announcements
  $ mortise install announcements --version 1.2.0 --set maxActivePerProject=5
  $ mortise install announcements --no-wait --output json`,
    )
    .action(
      async (
        name: string,
        options: WaitFlags & {
          version?: string;
          config?: string;
          set?: string[];
          workspace?: string[];
          disabled?: boolean;
        },
      ) => {
        const kernel = await ctx.kernel();
        const output = ctx.output();
        const version = options.version ?? (await recommendedVersion(kernel, name));
        const config = await readConfigInput(options.config, options.set);
        const plan: InstallPlan = {
          apiVersion: 'extensions.mortise.io/v1',
          kind: 'InstallPlan',
          metadata: { name },
          spec: {
            extension: { name, version },
            enabled: options.disabled !== true,
            ...(config ? { config } : {}),
            ...(options.workspace ? { workspaces: options.workspace } : {}),
          },
        };
        let created: InstallPlan;
        try {
          created = await kernel.request<InstallPlan>('POST', INSTALL_PLANS_PATH, { body: plan });
        } catch (err) {
          if (err instanceof CliError && err.reason === 'AlreadyExists') {
            const existing = await getPlan(kernel, name).catch(() => undefined);
            const neededBy = existing && !existing.metadata.deletionTimestamp ? autoInstalledFor(existing) : undefined;
            if (neededBy) {
              // As `apt install` of an automatically installed package: it becomes explicitly installed.
              const adopted = await adoptPlan(kernel, name);
              const running = adopted.spec.extension.version;
              output.result(
                planSummary(adopted, adopted),
                () =>
                  `${name} was installed automatically${neededBy.length > 0 ? ` for ${neededBy.join(', ')}` : ''}; ` +
                  'it is now installed explicitly and stays when nothing else needs it.' +
                  (running !== version ? ` It is at ${running}; \`mortise upgrade ${name}\` changes that.` : ''),
              );
              return;
            }
            const state = existing?.status?.state;
            if (state && state !== 'Installed' && state !== 'Upgrading') {
              throw new CliError(
                `${name} already has an InstallPlan in state ${state}; \`mortise status ${name}\` says why, \`mortise uninstall ${name}\` removes it`,
                ExitCode.Conflict,
                'AlreadyExists',
              );
            }
            throw new CliError(
              `${name} is already installed; use \`mortise upgrade ${name}\` to change its version`,
              ExitCode.Conflict,
              'AlreadyExists',
            );
          }
          throw err;
        }
        output.progress(`${name}: installing ${version}`);
        const final = await follow(kernel, output, name, options, settled(version));
        output.result(planSummary(final, created), () =>
          final ? `${name} ${version} installed.` : `${name} ${version}: InstallPlan created.`,
        );
      },
    );

  waitOptions(
    program
      .command('upgrade')
      .description('move an installed extension to another version and wait until it serves it')
      .argument('<extension>', 'extension name')
      .option('--version <version>', 'target version (default: the recommended one)')
      .option('--config <file>', 'replace the install config (YAML or JSON)')
      .option('--set <key=value>', 'change one config value (repeatable)', collect),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  $ mortise upgrade announcements\n  $ mortise upgrade announcements --version 1.1.0 --timeout 10m',
    )
    .action(async (name: string, options: WaitFlags & { version?: string; config?: string; set?: string[] }) => {
      const kernel = await ctx.kernel();
      const output = ctx.output();
      const current = await getPlan(kernel, name);
      const version = options.version ?? (await recommendedVersion(kernel, name));
      const config = await readConfigInput(options.config, options.set);
      const from = current.status?.version ?? current.spec.extension.version;
      const updated = await updatePlan(kernel, name, (plan) => {
        plan.spec.extension.version = version;
        if (options.config !== undefined) plan.spec.config = config;
        else if (config) plan.spec.config = { ...plan.spec.config, ...config };
      });
      output.progress(`${name}: upgrading ${from} → ${version}`);
      const final = await follow(kernel, output, name, options, settled(version), current);
      output.result(planSummary(final, updated), () =>
        final ? `${name} upgraded to ${version}.` : `${name}: upgrade to ${version} requested.`,
      );
    });

  for (const enabled of [true, false]) {
    const verb = enabled ? 'enable' : 'disable';
    waitOptions(
      program
        .command(verb)
        .description(
          enabled
            ? 'serve an installed extension again'
            : 'stop serving an installed extension, keeping it and its data',
        )
        .argument('<extension>', 'extension name'),
    )
      .addHelpText('after', `\nExample:\n  $ mortise ${verb} announcements`)
      .action(async (name: string, options: WaitFlags) => {
        const kernel = await ctx.kernel();
        const output = ctx.output();
        const updated = await updatePlan(kernel, name, (plan) => {
          plan.spec.enabled = enabled;
        });
        const final = await follow(kernel, output, name, options, settled(), updated);
        output.result(planSummary(final, updated), () => `${name} ${enabled ? 'enabled' : 'disabled'}.`);
      });
  }

  waitOptions(
    program
      .command('uninstall')
      .description('remove an installed extension (deletes its InstallPlan) and wait until it is gone')
      .argument('<extension>', 'extension name')
      .option('--purge', 'also delete its objects and data (keeps nothing)'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  $ mortise uninstall announcements\n  $ mortise uninstall announcements --purge --output json',
    )
    .action(async (name: string, options: WaitFlags & { purge?: boolean }) => {
      const kernel = await ctx.kernel();
      const output = ctx.output();
      // The annotation carries the wish to the controller even if it reads the plan after the delete.
      const before = options.purge
        ? await updatePlan(kernel, name, (plan) => {
            plan.metadata.annotations = { ...plan.metadata.annotations, [PURGE_ANNOTATION]: 'true' };
          })
        : await getPlan(kernel, name);
      await kernel.request<unknown>('DELETE', planPath(name), { query: { purge: options.purge ? 'true' : undefined } });
      output.progress(`${name}: uninstalling${options.purge ? ' (purge)' : ''}`);
      const gone = (plan: InstallPlan | undefined): boolean =>
        plan === undefined || plan.status?.state === 'Uninstalled';
      await follow(kernel, output, name, options, gone, before);
      output.result({ name, uninstalled: options.wait, purged: options.purge === true }, () =>
        options.wait ? `${name} uninstalled.` : `${name}: uninstall requested.`,
      );
    });
}

async function recommendedVersion(kernel: KernelClient, name: string): Promise<string> {
  const item = await getMarketplaceItem(kernel, name);
  const version = item.recommendedVersion ?? item.versions?.at(-1);
  if (!version)
    throw new CliError(`no installable version of "${name}"; pass --version`, ExitCode.NotFound, 'NotFound');
  return version;
}
