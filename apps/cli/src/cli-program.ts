import { Command, CommanderError, Option } from 'commander';
import { createCliContext, type CliContext } from './cli-context.js';
import { ExitCode } from './exit-codes.js';
import { OUTPUT_FORMATS, Output, type OutputFormat, type OutputStreams } from './output.js';
import { registerLoginCommands } from './commands/login.command.js';
import { registerCreateCommand } from './commands/create.command.js';
import { registerDevCommand } from './commands/dev.command.js';
import { registerTestCommand } from './commands/test.command.js';
import { registerPackageCommands } from './commands/package.command.js';
import { registerLifecycleCommands } from './commands/lifecycle.command.js';
import { registerListCommand } from './commands/list.command.js';
import { registerStatusCommand } from './commands/status.command.js';
import { registerCredentialsCommand } from './commands/credentials.command.js';
import { CLI_VERSION } from './cli-version.js';

export interface RunOptions {
  streams?: OutputStreams;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** The `mortise` command tree; `runCli` parses with it. */
export function buildProgram(
  streams: OutputStreams,
  env: NodeJS.ProcessEnv,
  cwd: string,
): { program: Command; ctx: CliContext } {
  const program = new Command('mortise');
  let current: Command = program;
  const ctx = createCliContext(() => current, streams, env, cwd);
  program
    // Program options only before the command name, so `install --version 1.0` is the command's own.
    .enablePositionalOptions()
    .hook('preAction', (_program, actionCommand) => {
      current = actionCommand;
    })
    .description('Build, publish and run Mortise extensions, and manage them on a kernel.')
    .version(CLI_VERSION, '-V, --version')
    .addOption(outputOption())
    .addOption(quietOption())
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => streams.stdout.write(s),
      writeErr: (s) => streams.stderr.write(s),
    })
    .exitOverride()
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 failed, 2 usage, 3 not logged in or unauthorized,
4 not found, 5 conflict or timed out, 6 kernel unreachable.
Config: $MORTISE_CONFIG_DIR (default ~/.config/mortise)/config.json.

Examples:
  $ mortise login http://127.0.0.1:8080 --username admin
  $ mortise create hello --kind module && cd hello && npm install && mortise test
  $ mortise list --output json`,
    );
  registerLoginCommands(program, ctx);
  registerCreateCommand(program, ctx);
  registerDevCommand(program, ctx);
  registerTestCommand(program, ctx);
  registerPackageCommands(program, ctx);
  registerLifecycleCommands(program, ctx);
  registerListCommand(program, ctx);
  registerStatusCommand(program, ctx);
  registerCredentialsCommand(program, ctx);
  // Subcommands report usage errors through the same streams and exit code.
  for (const command of program.commands) {
    command.addOption(outputOption()).addOption(quietOption());
    command
      .exitOverride()
      .configureOutput(program.configureOutput())
      .showHelpAfterError(`(run \`mortise ${command.name()} --help\`)`);
  }
  return { program, ctx };
}

function outputOption(): Option {
  return new Option('-o, --output <format>', 'text for people, json for scripts (stdout carries only JSON)').choices([
    ...OUTPUT_FORMATS,
  ]);
}

function quietOption(): Option {
  return new Option('--quiet', 'no progress messages on stderr');
}

/** `--output` as given on the command line, for errors raised before a command ran. */
export function outputFormatOf(argv: string[]): OutputFormat {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = arg === '-o' || arg === '--output' ? argv[i + 1] : /^--output=(.*)$/.exec(arg)?.[1];
    if (value === 'json') return 'json';
  }
  return 'text';
}

/** Runs one `mortise` invocation and returns its exit code (the process sets it; tests read it). */
export async function runCli(argv: string[], options: RunOptions = {}): Promise<number> {
  const streams = options.streams ?? process;
  const { program } = buildProgram(streams, options.env ?? process.env, options.cwd ?? process.cwd());
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successes; anything else commander rejects is a usage error.
      if (['commander.helpDisplayed', 'commander.version'].includes(err.code)) return ExitCode.Ok;
      if (err.code === 'commander.executeSubCommandAsync') return ExitCode.Failed;
      return ExitCode.Usage;
    }
    return new Output(outputFormatOf(argv), streams).error(err);
  }
}
