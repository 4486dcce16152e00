import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { openWatch, passwordLogin, TEST_ADMIN_PASSWORD } from '../testing/kernel-fixture.js';

const MAIN = new URL('../main.js', import.meta.url).pathname;
/** The single-file bundle `npm start` runs (built by scripts/bundle-kernel.mjs). */
const BUNDLE = new URL('../mortise.mjs', import.meta.url).pathname;
const SAMPLE_EXTENSION = new URL('../../../../extensions/announcements/', import.meta.url).pathname;

/** Starts the kernel process and waits for the listening line; the port comes from the log. */
async function startProcess(
  entry: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      MORTISE_LOG_LEVEL: 'info',
      MORTISE_HOST: '127.0.0.1',
      MORTISE_PORT: '0',
      MORTISE_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kernel did not start: ${out}`)), 15_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /"port":(\d+).*"msg":"mortise kernel listening"/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    });
    child.once('exit', (code) => reject(new Error(`kernel exited with ${code}: ${out}`)));
  });
  return { child, url, output: () => out };
}

describe('kernel process', () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'mortise-process-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  for (const entry of [MAIN, BUNDLE]) {
    it(`refuses a bad setting with one line naming it and exit code 2 (${entry.split('/').pop()})`, () => {
      const result = spawnSync(process.execPath, [entry], {
        env: { ...process.env, MORTISE_PORT: 'abc' },
        encoding: 'utf8',
      });
      assert.equal(result.status, 2);
      assert.equal(result.stderr, 'invalid configuration: MORTISE_PORT must be an integer 0-65535, got "abc"\n');
      assert.equal(result.stdout, '');
    });
  }

  it('refuses a second kernel on the same sqlite data dir with one line and a non-zero exit', async () => {
    const lockDir = mkdtempSync(join(tmpdir(), 'mortise-lock-'));
    const first = await startProcess(BUNDLE, { MORTISE_STORE: 'sqlite', MORTISE_DATA_DIR: lockDir });
    try {
      const second = spawnSync(process.execPath, [BUNDLE], {
        env: { ...process.env, MORTISE_STORE: 'sqlite', MORTISE_DATA_DIR: lockDir, MORTISE_PORT: '0' },
        encoding: 'utf8',
      });
      assert.equal(second.status, 1);
      assert.equal(
        second.stderr,
        `another Mortise kernel is already using data dir ${lockDir}; stop it, or give this one its own MORTISE_DATA_DIR\n`,
      );
      // The first kernel is untouched by the attempt.
      assert.equal((await fetch(`${first.url}/readyz`)).status, 200);
    } finally {
      const exited = once(first.child, 'exit');
      first.child.kill('SIGTERM');
      await exited;
      rmSync(lockDir, { recursive: true, force: true });
    }
  });

  it("serves an in-process extension from the bundle sharing the kernel's Nest and SDK instances", async () => {
    const ownDir = mkdtempSync(join(tmpdir(), 'mortise-process-ext-'));
    const { child, url, output } = await startProcess(BUNDLE, {
      MORTISE_STORE: 'sqlite',
      MORTISE_DATA_DIR: ownDir,
      MORTISE_EXTENSIONS: SAMPLE_EXTENSION,
    });
    const exited = once(child, 'exit');
    try {
      const admin = {
        authorization: `Bearer ${await passwordLogin(url, 'admin', TEST_ADMIN_PASSWORD)}`,
        'content-type': 'application/json',
      };
      const create = (path: string, name: string) =>
        fetch(`${url}/kapis/tenant.mortise.io/v1/${path}`, {
          method: 'POST',
          headers: admin,
          body: JSON.stringify({ metadata: { name }, spec: {} }),
        });
      assert.equal((await create('workspaces', 'w1')).status, 201);
      assert.equal((await create('workspaces/w1/projects', 'p1')).status, 201);
      const announcements = `${url}/kapis/announcements.samples.mortise.io/v1/namespaces/p1`;
      // The SDK's @Caller() resolves only when the extension's Nest is the kernel's.
      const inbox = await fetch(`${announcements}/inbox`, { headers: admin });
      assert.equal(inbox.status, 200, output());
      assert.equal(((await inbox.json()) as { project: string }).project, 'p1');
      // The SDK's InvalidError maps to 422 only if it is the kernel's class (instanceof across one copy).
      const invalid = await fetch(`${announcements}/broadcasts`, { method: 'POST', headers: admin, body: '{}' });
      assert.equal(invalid.status, 422);
      assert.equal(((await invalid.json()) as { reason: string }).reason, 'Invalid');
    } finally {
      child.kill('SIGTERM');
      await exited;
      rmSync(ownDir, { recursive: true, force: true });
    }
  });

  it('as `npm start` runs it: anonymous 401, the admin 200, a fresh user 403 on an admin route, audited in the data dir', async () => {
    const ownDir = mkdtempSync(join(tmpdir(), 'mortise-process-authz-'));
    const { child, url, output } = await startProcess(BUNDLE, { MORTISE_STORE: 'sqlite', MORTISE_DATA_DIR: ownDir });
    const exited = once(child, 'exit');
    try {
      const roles = `${url}/kapis/iam.mortise.io/v1/globalroles`;
      const anonymous = await fetch(roles);
      assert.equal(anonymous.status, 401);
      assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer realm="mortise"/);

      const admin = { authorization: `Bearer ${await passwordLogin(url, 'admin', TEST_ADMIN_PASSWORD)}` };
      assert.equal((await fetch(roles, { headers: admin })).status, 200);
      const created = await fetch(`${url}/kapis/iam.mortise.io/v1/users`, {
        method: 'POST',
        headers: { ...admin, 'content-type': 'application/json' },
        body: JSON.stringify({
          metadata: { name: 'carol' },
          spec: { email: 'carol@example.com', password: 'carols secret' },
        }),
      });
      assert.equal(created.status, 201);
      const carol = { authorization: `Bearer ${await passwordLogin(url, 'carol', 'carols secret')}` };
      assert.equal((await fetch(`${url}/oauth/userinfo`, { headers: carol })).status, 200);
      const refused = await fetch(roles, { headers: carol });
      assert.equal(refused.status, 403);
      const status = (await refused.json()) as { reason: string; message: string };
      assert.equal(status.reason, 'Forbidden');
      assert.match(status.message, /user "carol" cannot list globalroles in API group "iam.mortise.io"/);

      const auditLog = join(ownDir, 'audit', 'audit.log');
      // The audit record is written after the response, so the 403 may land a moment later.
      for (let i = 0; i < 50 && !(existsSync(auditLog) && readFileSync(auditLog, 'utf8').includes('"carol"')); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.match(readFileSync(auditLog, 'utf8'), /"user":"carol".*"code":403/, output());
    } finally {
      child.kill('SIGTERM');
      await exited;
      rmSync(ownDir, { recursive: true, force: true });
    }
  });

  it('on SIGTERM (bundled entry) finishes the in-flight request, ends open watches and exits 0', async () => {
    const { child, url, output } = await startProcess(BUNDLE, { MORTISE_STORE: 'sqlite', MORTISE_DATA_DIR: dataDir });
    const exited = once(child, 'exit');
    const auth = { authorization: `Bearer ${await passwordLogin(url, 'admin', TEST_ADMIN_PASSWORD)}` };
    const watch = await openWatch(`${url}/kapis/tenant.mortise.io/v1/workspaces?watch=true`, auth);
    assert.equal(watch.status, 200);

    // A request whose body is still arriving when the signal comes.
    const body = JSON.stringify({ metadata: { name: 'late' }, spec: {} });
    const slow = request(`${url}/kapis/tenant.mortise.io/v1/workspaces`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      slow.on('response', (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      slow.on('error', reject);
    });
    slow.write(body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    slow.end(body.slice(10));

    const done = await response;
    assert.equal(done.status, 201, done.text);
    let event = await watch.next(5000);
    while (event) event = await watch.next(5000);
    const [code] = await exited;
    assert.equal(code, 0, output());
    assert.match(output(), /mortise kernel stopped/);

    // The object written during shutdown survived in the sqlite store.
    const again = await startProcess(MAIN, { MORTISE_STORE: 'sqlite', MORTISE_DATA_DIR: dataDir });
    const againAuth = { authorization: `Bearer ${await passwordLogin(again.url, 'admin', TEST_ADMIN_PASSWORD)}` };
    const got = await fetch(`${again.url}/kapis/tenant.mortise.io/v1/workspaces/late`, { headers: againAuth });
    assert.equal(got.status, 200);
    const againExited = once(again.child, 'exit');
    again.child.kill('SIGINT');
    assert.equal((await againExited)[0], 0);
  });
});
