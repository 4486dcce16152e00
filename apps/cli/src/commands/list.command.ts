import { Option, type Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { listMarketplace } from '../marketplace-client.js';
import { renderTable } from '../output.js';

interface ListOptions {
  query?: string;
  category?: string;
  provider?: string;
  sort?: string;
  installed?: boolean;
}

export function registerListCommand(program: Command, ctx: CliContext): void {
  program
    .command('list')
    .alias('ls')
    .description('list the extensions the kernel’s repositories offer, with what is installed (the marketplace)')
    .option('--query <text>', 'search names, titles and descriptions')
    .option('--category <category>', 'only this category')
    .option('--provider <provider>', 'only this provider')
    .addOption(new Option('--sort <order>', 'order').choices(['name', '-updated', 'provider']))
    .option('--installed', 'only installed extensions')
    .addHelpText(
      'after',
      `
Examples:
  $ mortise list
  $ mortise list --query notes --installed
  $ mortise list --output json | jq -r '.items[].name'`,
    )
    .action(async (options: ListOptions) => {
      const kernel = await ctx.kernel();
      const found = await listMarketplace(kernel, {
        ...(options.query !== undefined ? { q: options.query } : {}),
        ...(options.category !== undefined ? { category: options.category } : {}),
        ...(options.provider !== undefined ? { provider: options.provider } : {}),
        ...(options.sort !== undefined ? { sort: options.sort } : {}),
      });
      const items = options.installed ? found.filter((item) => item.installedVersion) : found;
      ctx.output().result({ items }, () =>
        items.length === 0
          ? 'No extensions found.'
          : renderTable(
              ['name', 'latest', 'installed', 'state', 'provider', 'description'],
              items.map((i) => [
                i.name,
                i.recommendedVersion ?? i.versions?.at(-1) ?? '-',
                i.installedVersion ?? '-',
                i.state ?? '-',
                i.provider ?? '-',
                i.description ?? i.displayName ?? '',
              ]),
            ),
      );
    });
}
