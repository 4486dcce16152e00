import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The npm scripts of the project in `directory` (none when it has no package.json). */
export async function npmScripts(directory: string): Promise<Record<string, string>> {
  try {
    const pkg = JSON.parse(await readFile(join(directory, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
    };
    return pkg.scripts ?? {};
  } catch {
    return {};
  }
}

/**
 * Runs `npm <args>` in `directory`; its output goes to our stderr (so stdout
 * stays clean for `--output json`) unless `inherit` lets it through as is.
 * Resolves with the exit code.
 */
export function runNpm(directory: string, args: string[], inherit = false): Promise<number> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // Node's test runner marks its children; the project's own `node --test` must be a run of its own.
  const { NODE_TEST_CONTEXT: _marker, ...env } = process.env;
  const child = spawn(npm, args, {
    cwd: directory,
    env,
    stdio: inherit ? 'inherit' : ['ignore', process.stderr, process.stderr],
  });
  return new Promise((resolveExit, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolveExit(code ?? (signal ? 1 : 0)));
  });
}
