import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

/** The built binary, as `npm install -g` would run it. */
export const CLI_MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
const PACK_SDK = fileURLToPath(new URL('../../scripts/pack-sdk.mjs', import.meta.url));
const SDK_DIR = fileURLToPath(new URL('../../dist/sdk/', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to stdin, which is then closed. */
  input?: string;
  timeoutMs?: number;
}

/** Runs `mortise <args>` as a child process and collects its output. */
export function runMortise(args: string[], options: CliRunOptions = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI_MAIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: options.timeoutMs ?? 60_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A fresh `$MORTISE_CONFIG_DIR` and a `run` bound to it; `dispose()` removes it. */
export function cliSandbox(): {
  configDir: string;
  run(args: string[], options?: CliRunOptions): Promise<CliRun>;
  dispose(): void;
} {
  const configDir = mkdtempSync(join(tmpdir(), 'mortise-cli-'));
  return {
    configDir,
    run: (args, options = {}) =>
      runMortise(args, { ...options, env: { MORTISE_CONFIG_DIR: configDir, ...options.env } }),
    dispose: () => rmSync(configDir, { recursive: true, force: true }),
  };
}

/** Makes the SDK tarballs `mortise create` copies, when this build has none yet (tests run after `tsc -b` only). */
export function ensureSdkTarballs(): void {
  if (!existsSync(join(SDK_DIR, 'mortise-sdk-testing-0.1.0.tgz'))) {
    execFileSync(process.execPath, [PACK_SDK], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
}
