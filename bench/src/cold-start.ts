import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';

export interface ColdStart {
  readyMs: number;
  idleRssMb: number;
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}

/** Spawns the built kernel on an existing data dir; time to the first `/readyz` 200, then RSS after a second idle. */
export async function measureColdStart(mainJs: string, dataDir: string, port: number): Promise<ColdStart> {
  const started = performance.now();
  const child = spawn(process.execPath, [mainJs], {
    env: {
      ...process.env,
      MORTISE_PORT: String(port),
      MORTISE_HOST: '127.0.0.1',
      MORTISE_DATA_DIR: dataDir,
      MORTISE_LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) break;
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 20_000) throw new Error('kernel did not become ready within 20 s');
      await new Promise((r) => setTimeout(r, 5));
    }
    const readyMs = Math.round(performance.now() - started);
    await new Promise((r) => setTimeout(r, 1000));
    return { readyMs, idleRssMb: rssMb(child.pid!) };
  } finally {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
}
