import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError, ExitCode } from './exit-codes.js';

/** What `mortise login` stores: where the kernel is and how to speak to it. */
export interface CliCredentials {
  /** The kernel's base URL, without a trailing slash. */
  server: string;
  username?: string;
  /** `token`: an OAuth access token (with a refresh token); `apiKey`: an `mrt_` key used as is. */
  type: 'token' | 'apiKey';
  accessToken: string;
  refreshToken?: string;
  /** ISO time the access token expires; absent for API keys. */
  expiresAt?: string;
}

export interface CliConfigFile {
  current?: CliCredentials;
}

/** `$MORTISE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/mortise`, else `~/.config/mortise`. */
export function configDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MORTISE_CONFIG_DIR) return env.MORTISE_CONFIG_DIR;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'mortise');
}

export function configFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDirectory(env), 'config.json');
}

/** The stored config; an empty one when there is no file yet. */
export async function readCliConfig(file: string): Promise<CliConfigFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  try {
    return JSON.parse(text) as CliConfigFile;
  } catch {
    throw new CliError(`${file} is not valid JSON; delete it and run \`mortise login\` again`, ExitCode.Failed);
  }
}

/**
 * Writes the config readable by its owner only (0600, directory 0700): it
 * holds tokens. Written to a temporary file and renamed, so a crash never
 * leaves half a file.
 */
export async function writeCliConfig(file: string, config: CliConfigFile): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // The mode passed to writeFile is masked by umask; set it outright.
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}
