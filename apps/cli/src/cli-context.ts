import type { Command } from 'commander';
import { configFilePath } from './cli-config.js';
import { KernelClient } from './kernel-client.js';
import { Output, type OutputFormat, type OutputStreams } from './output.js';

/** What every command gets: where to write, the environment, and the logged-in kernel on demand. */
export interface CliContext {
  readonly streams: OutputStreams;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** The output of the command being run, per `--output` and `--quiet`. */
  output(): Output;
  configFile(): string;
  kernel(): Promise<KernelClient>;
}

/**
 * `command()` is the command being run (set by a preAction hook): `--output`
 * and `--quiet` are read from it with the global ones, so they work before or
 * after the command name.
 */
export function createCliContext(
  command: () => Command,
  streams: OutputStreams,
  env: NodeJS.ProcessEnv,
  cwd: string,
): CliContext {
  const options = (): { output?: OutputFormat; quiet?: boolean } => command().optsWithGlobals();
  return {
    streams,
    env,
    cwd,
    output: () => new Output(options().output ?? 'text', streams, options().quiet === true),
    configFile: () => configFilePath(env),
    kernel: () => KernelClient.fromConfig(configFilePath(env)),
  };
}
