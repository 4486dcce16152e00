import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { startKernelProcess, type KernelProcess } from '@mortise/kernel';
import { copiesFrom, execForm, last, parseDockerfile, type Stage } from './dockerfile.js';
import { REPO_ROOT } from './repo-root.js';

const stages = parseDockerfile(join(REPO_ROOT, 'deploy/Dockerfile'));
const runtime = stages.at(-1)!;
const rootPackage = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  engines: { node: string };
};

function workdir(stage: Stage): string {
  const dir = last(stage, 'WORKDIR')?.args ?? '';
  assert.ok(dir.startsWith('/'), `stage ${stage.name ?? stage.image} needs an absolute WORKDIR`);
  return dir;
}

function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of stage.instructions.filter((x) => x.keyword === 'ENV')) {
    for (const pair of i.args.split(/\s+/)) {
      const [key = '', ...value] = pair.split('=');
      env[key] = value.join('=');
    }
  }
  return env;
}

/** Lays out the runtime stage's `COPY --from` files under `root`, the repository standing in for the build stage. */
function layOutRuntime(root: string): void {
  for (const copy of copiesFrom(runtime)) {
    const from = stages.find((s) => s.name === copy.stage);
    assert.ok(from, `COPY --from=${copy.stage}: no such stage`);
    const destination = join(root, copy.destination);
    for (const source of copy.sources) {
      const inRepo = join(REPO_ROOT, relative(workdir(from), source));
      // Workspace links stay relative, as COPY keeps them, so they resolve inside the layout.
      if (statSync(inRepo).isDirectory()) cpSync(inRepo, destination, { recursive: true, verbatimSymlinks: true });
      else {
        const target = copy.destination.endsWith('/') ? join(destination, basename(source)) : destination;
        mkdirSync(dirname(target), { recursive: true });
        cpSync(inRepo, target);
      }
    }
  }
}

describe('deploy/Dockerfile', () => {
  it('builds and runs on one Node LTS image the repository supports', () => {
    const minimum = Number(/(\d+)/.exec(rootPackage.engines.node)?.[1]);
    for (const stage of stages) {
      const match = /^node:(\d+)-[a-z]+-slim$/.exec(stage.image);
      assert.ok(match, `${stage.image} is not a slim node:<major> image`);
      const major = Number(match[1]);
      assert.equal(major % 2, 0, `${stage.image}: odd Node majors never become LTS`);
      assert.ok(major >= minimum, `${stage.image} is older than engines.node ${rootPackage.engines.node}`);
    }
    // better-sqlite3 is compiled in the build stage and loaded in the runtime one: same Node ABI.
    assert.equal(new Set(stages.map((s) => s.image)).size, 1, 'all stages must use the same image');
    assert.ok(stages.length >= 2, 'multi-stage: the runtime image leaves compilers and sources behind');
  });

  it('starts the kernel the way `npm start` does, under an init that forwards signals', () => {
    assert.deepEqual(execForm(last(runtime, 'CMD')!.args).join(' '), rootPackage.scripts.start);
    assert.deepEqual(execForm(last(runtime, 'ENTRYPOINT')!.args), ['/usr/bin/tini', '--']);
    assert.match(runtime.instructions.find((i) => i.keyword === 'RUN')!.args, /apt-get install .*\btini\b/);
  });

  it('runs as a numeric non-root user and declares a health check', () => {
    const user = last(runtime, 'USER')?.args ?? '';
    const match = /^(\d+)(?::(\d+))?$/.exec(user);
    assert.ok(match, `USER ${user} must be numeric so runAsNonRoot can verify it`);
    assert.notEqual(Number(match[1]), 0);
    assert.ok(last(runtime, 'HEALTHCHECK'), 'HEALTHCHECK missing');
  });

  it('copies into the runtime stage only files the build produces', () => {
    const copies = copiesFrom(runtime);
    assert.ok(copies.length > 0);
    for (const copy of copies) {
      const from = stages.find((s) => s.name === copy.stage)!;
      for (const source of copy.sources) {
        assert.ok(
          existsSync(join(REPO_ROOT, relative(workdir(from), source))),
          `${source} does not exist after a build`,
        );
      }
    }
  });

  it('keeps host build output and native modules out of the build context', () => {
    const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['**/node_modules', '**/dist', '.git']) assert.ok(ignored.includes(entry), entry);
  });

  describe('the runtime stage, laid out from the build', () => {
    let root: string;
    let kernel: KernelProcess;
    before(async () => {
      root = mkdtempSync(join(tmpdir(), 'mortise-image-'));
      layOutRuntime(root);
      const [command, ...args] = execForm(last(runtime, 'CMD')!.args);
      assert.equal(command, 'node');
      kernel = await startKernelProcess(args, {
        cwd: root,
        inheritEnv: false,
        env: { ...envOf(runtime), MORTISE_DATA_DIR: join(root, 'data') },
      });
    });
    after(async () => {
      await kernel?.stop();
      rmSync(root, { recursive: true, force: true });
    });

    function healthcheck(port: number): number | null {
      const [command, ...args] = execForm(last(runtime, 'HEALTHCHECK')!.args);
      assert.equal(command, 'node');
      return spawnSync(process.execPath, args, { env: { MORTISE_PORT: String(port) }, timeout: 10_000 }).status;
    }

    it('is enough to start the kernel on the sqlite store in the data dir', async () => {
      assert.equal((await fetch(`${kernel.url}/readyz`)).status, 200);
      assert.ok(existsSync(join(root, 'data', 'mortise.db')));
    });

    it('serves the web console at /', async () => {
      const page = await fetch(`${kernel.url}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<script type="importmap">/);
    });

    it('passes its HEALTHCHECK while up and fails it once stopped', async () => {
      assert.equal(healthcheck(kernel.port), 0);
      assert.equal(await kernel.stop(), 0);
      assert.equal(healthcheck(kernel.port), 1);
    });
  });
});
