import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { INSTALL_PLANS_PATH, getPlan, type InstallPlan, type PlanList } from '../install-plan-client.js';
import type { KernelClient } from '../kernel-client.js';
import { renderTable } from '../output.js';
import { whoAmI } from './login.command.js';

export function registerStatusCommand(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description(
      'without a name: the kernel, who you are, and the installed extensions; with one: that extension’s InstallPlan',
    )
    .argument('[extension]', 'extension name')
    .addHelpText(
      'after',
      `
Examples:
  $ mortise status
  $ mortise status announcements
  $ mortise status announcements --output json`,
    )
    .action(async (name: string | undefined) => {
      const kernel = await ctx.kernel();
      const output = ctx.output();
      if (name !== undefined) {
        const plan = await getPlan(kernel, name);
        output.result(plan, () => describePlan(plan));
        return;
      }
      const [user, ready, plans] = await Promise.all([whoAmI(kernel), readiness(kernel), visiblePlans(kernel)]);
      const username = user.preferred_username ?? user.sub ?? '';
      const extensions = plans?.items.map((p) => ({
        name: p.metadata.name,
        version: p.status?.version ?? p.spec.extension.version,
        enabled: p.spec.enabled !== false,
        state: p.status?.state ?? 'Pending',
      }));
      output.result({ server: kernel.server, user: username, ready, extensions }, () =>
        [
          `Kernel:     ${kernel.server} (${ready ? 'ready' : 'not ready'})`,
          `User:       ${username}`,
          '',
          extensions === undefined
            ? 'Installed extensions: not visible to this user.'
            : extensions.length === 0
              ? 'No extensions installed.'
              : renderTable(
                  ['name', 'version', 'enabled', 'state'],
                  extensions.map((e) => [e.name, e.version, String(e.enabled), e.state]),
                ),
        ].join('\n'),
      );
    });
}

/** The InstallPlans, or undefined when the user may not list them (status still answers who and where). */
async function visiblePlans(kernel: KernelClient): Promise<PlanList | undefined> {
  try {
    return await kernel.request<PlanList>('GET', INSTALL_PLANS_PATH);
  } catch (err) {
    if (err instanceof CliError && err.exitCode === ExitCode.Unauthorized) return undefined;
    throw err;
  }
}

async function readiness(kernel: KernelClient): Promise<boolean> {
  try {
    await kernel.request('GET', '/readyz');
    return true;
  } catch {
    return false;
  }
}

export function describePlan(plan: InstallPlan): string {
  const lines = [
    `Name:       ${plan.metadata.name}`,
    `Wanted:     ${plan.spec.extension.version}${plan.spec.enabled === false ? ' (disabled)' : ''}`,
    `Serving:    ${plan.status?.version ?? '-'}`,
    `State:      ${plan.status?.state ?? 'Pending'}`,
  ];
  if (plan.spec.workspaces) lines.push(`Workspaces: ${plan.spec.workspaces.join(', ')}`);
  for (const c of plan.status?.conditions ?? []) {
    lines.push(
      `Condition:  ${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ''}${c.message ? `: ${c.message}` : ''}`,
    );
  }
  const history = plan.status?.stateHistory ?? [];
  if (history.length > 0) {
    lines.push('History:');
    for (const h of history) lines.push(`  ${h.lastTransitionTime}  ${h.state}${h.message ? `  ${h.message}` : ''}`);
  }
  return lines.join('\n');
}
