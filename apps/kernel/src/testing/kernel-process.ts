import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface KernelProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>`, the port read from the listening log line. */
  url: string;
  port: number;
  /** Everything the process wrote so far, stdout and stderr. */
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export interface KernelProcessOptions {
  /** Over the inherited environment and the loopback, random-port, info-level defaults. */
  env?: NodeJS.ProcessEnv;
  /** False: start from an empty environment, as a container does. */
  inheritEnv?: boolean;
  cwd?: string;
  timeoutMs?: number;
}

/**
 * Spawns `node <args>` as a kernel process on a random loopback port and
 * resolves once it logs that it listens.
 */
export async function startKernelProcess(args: string[], options: KernelProcessOptions = {}): Promise<KernelProcess> {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: {
      ...(options.inheritEnv === false ? {} : process.env),
      MORTISE_LOG_LEVEL: 'info',
      MORTISE_HOST: '127.0.0.1',
      MORTISE_PORT: '0',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kernel did not start: ${out}`)), options.timeoutMs ?? 15_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /"port":(\d+).*"msg":"mortise kernel listening"/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kernel exited with ${code}: ${out}`));
    });
  });
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      return (await exited)[0] as number | null;
    },
  };
}
