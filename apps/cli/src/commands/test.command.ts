import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { npmScripts, runNpm } from '../run-npm.js';

export function registerTestCommand(program: Command, ctx: CliContext): void {
  program
    .command('test')
    .description('run the extension’s tests (its `npm test`: compile, then the harness tests)')
    .argument('[dir]', 'the extension project', '.')
    .argument('[args...]', 'passed on to the test script (after --)')
    .addHelpText(
      'after',
      `
Exits 1 when a test fails. Test output goes to the terminal as is.

Examples:
  $ mortise test
  $ mortise test ./hello -- --test-name-pattern=greets`,
    )
    .action(async (dir: string, args: string[]) => {
      const directory = resolve(ctx.cwd, dir);
      if (!(await npmScripts(directory)).test) {
        throw new CliError(
          `${directory} has no package.json with a "test" script; is it an extension project?`,
          ExitCode.NotFound,
        );
      }
      const code = await runNpm(
        directory,
        ['test', ...(args.length > 0 ? ['--', ...args] : [])],
        ctx.output().format === 'text',
      );
      const passed = code === 0;
      ctx.output().result({ directory, passed }, () => (passed ? 'Tests passed.' : ''));
      if (!passed) throw new CliError('tests failed', ExitCode.Failed);
    });
}
