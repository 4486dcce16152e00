import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KERNEL_PUBLIC_PATHS } from '@mortise/apiserver';
import { startTestKernel, type TestKernel } from '../testing/kernel-fixture.js';

interface DiscoveredResource {
  name: string;
  kind: string;
  namespaced: boolean;
  scope: string;
  verbs: string[];
}

function hasPromtool(): boolean {
  return spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
}

describe('operations', () => {
  let k: TestKernel;
  before(async () => {
    k = await startTestKernel();
  });
  after(() => k.close());

  describe('health', () => {
    it('answers /healthz and /readyz once started', async () => {
      assert.equal((await k.call('GET', '/healthz')).status, 200);
      assert.equal((await k.call('GET', '/readyz')).status, 200);
    });

    it('turns /readyz into 503 naming the failing check, and back', async () => {
      const remove = k.kernel.readiness.add('controller-x', () => {
        throw new Error('informer not synced');
      });
      const res = await k.call('GET', '/readyz');
      assert.equal(res.status, 503);
      assert.equal(res.body.reason, 'ServiceUnavailable');
      assert.match(res.body.message, /controller-x: informer not synced/);
      remove();
      assert.equal((await k.call('GET', '/readyz')).status, 200);
    });

    it('leads alone on a single-kernel store and reports its controllers; one that fails to start fails readiness', async () => {
      const verbose = await k.call('GET', '/readyz?verbose', { anonymous: true });
      assert.equal(verbose.status, 200);
      assert.match(verbose.text, /: leader\n/);
      assert.match(verbose.text, /controller key-rotation: running/);
      k.kernel.controllers.register({
        name: 'broken',
        start: () => Promise.reject(new Error('cannot reach the repository')),
        stop: () => Promise.resolve(),
      });
      await k.kernel.controllers.settled();
      const res = await k.call('GET', '/readyz');
      assert.equal(res.status, 503);
      assert.match(res.body.message, /controllers: .*broken \(cannot reach the repository\)/);
    });
  });

  describe('metrics', () => {
    it('exposes request counts by route template and store latency', async () => {
      await k.call('GET', '/kapis/tenant.mortise.io/v1/workspaces/some-unique-name-123');
      const res = await k.call('GET', '/metrics');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
      assert.match(
        res.text,
        /mortise_http_requests_total\{route="\/kapis\/:group\/:version\/\*",method="GET",code="404"\}/,
      );
      assert.ok(!res.text.includes('some-unique-name-123'), 'raw paths must not become labels');
      assert.match(res.text, /mortise_store_operation_duration_seconds_count\{op="get"/);
      assert.match(res.text, /process_cpu_user_seconds_total/);
    });

    it('passes promtool check metrics', (t) => {
      if (!hasPromtool()) {
        t.skip('promtool not installed (apt-get install -y prometheus); metrics format not checked');
        return;
      }
      return (async () => {
        const text = (await k.call('GET', '/metrics')).text;
        const ours = text
          .split('\n')
          .filter((line) => /^(# (HELP|TYPE) )?mortise_/.test(line))
          .join('\n');
        const strict = spawnSync('promtool', ['check', 'metrics'], { input: `${ours}\n`, encoding: 'utf8' });
        assert.equal(strict.status, 0, `${strict.stdout}${strict.stderr}`);
        // The whole page must parse; prom-client's default nodejs_*_total gauges only draw a naming lint.
        const all = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
        const problems = `${all.stdout}${all.stderr}`
          .split('\n')
          .filter((line) => line.trim() !== '')
          .filter((line) => !/^nodejs_\w+_total non-counter metrics should not have "_total" suffix$/.test(line));
        assert.deepEqual(problems, []);
      })();
    });
  });

  describe('request id', () => {
    it('echoes X-Request-Id, or generates one', async () => {
      const given = await k.call('GET', '/healthz', { headers: { 'x-request-id': 'trace-42' } });
      assert.equal(given.headers.get('x-request-id'), 'trace-42');
      const generated = await k.call('GET', '/kapis');
      assert.match(generated.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
      const failed = await k.call('GET', '/nowhere', { headers: { 'x-request-id': 'trace-43' } });
      assert.equal(failed.status, 404);
      assert.equal(failed.headers.get('x-request-id'), 'trace-43');
    });
  });

  describe('discovery', () => {
    it('lists groups at /kapis', async () => {
      const res = await k.call('GET', '/kapis');
      assert.equal(res.body.kind, 'APIGroupList');
      const names = res.body.groups.map((g: { name: string }) => g.name);
      for (const group of ['iam.mortise.io', 'tenant.mortise.io', 'extensions.mortise.io'])
        assert.ok(names.includes(group), group);
      assert.equal(res.body.groups[0].preferredVersion.version, 'v1');
    });

    it('lists resources with verbs, scope and subresources, never internal kinds', async () => {
      const res = await k.call('GET', '/kapis/iam.mortise.io/v1');
      assert.equal(res.body.kind, 'APIResourceList');
      assert.equal(res.body.groupVersion, 'iam.mortise.io/v1');
      const resources = res.body.resources as DiscoveredResource[];
      const byName = new Map(resources.map((r) => [r.name, r]));
      const roles = byName.get('roles')!;
      assert.equal(roles.kind, 'Role');
      assert.equal(roles.namespaced, true);
      assert.equal(roles.scope, 'namespace');
      assert.ok(roles.verbs.includes('watch'));
      assert.equal(byName.get('globalroles')!.namespaced, false);
      assert.ok(!byName.has('signingkeys'));
      assert.ok(!byName.has('refreshtokens'));
      const ext = await k.call('GET', '/kapis/extensions.mortise.io/v1');
      assert.ok((ext.body.resources as DiscoveredResource[]).some((r) => r.name === 'installplans/status'));
      assert.equal((await k.call('GET', '/kapis/nothing.example.io/v1')).status, 404);
    });
  });

  describe('openapi', () => {
    it('documents every served kind and no internal one', async () => {
      const res = await k.call('GET', '/openapi.json');
      assert.equal(res.status, 200);
      assert.match(res.body.openapi, /^3\./);
      const paths = Object.keys(res.body.paths);
      assert.ok(paths.some((p) => p.startsWith('/kapis/iam.mortise.io/v1/globalroles')));
      assert.ok(paths.some((p) => p.includes('/workspaces/{workspace}/projects') || p.includes('/projects')));
      assert.ok(!paths.some((p) => p.includes('signingkeys')));
    });
  });

  describe('routes', () => {
    it('enumerates every registered route, the catch-all and the kernel operations included', () => {
      const routes = k.routes().map((r) => `${r.method} ${r.url}`);
      for (const expected of [
        'GET /healthz',
        'GET /readyz',
        'GET /metrics',
        'GET /openapi.json',
        'GET /kapis',
        'GET /kapis/:group/:version',
        'GET /kapis/:group/:version/*',
        'POST /kapis/:group/:version/*',
        'PUT /kapis/:group/:version/*',
        'PATCH /kapis/:group/:version/*',
        'DELETE /kapis/:group/:version/*',
      ]) {
        assert.ok(routes.includes(expected), `${expected} in ${routes.join(', ')}`);
      }
      for (const path of KERNEL_PUBLIC_PATHS) assert.ok(k.kernel.pipeline.publicRoutes.isPublic(path), path);
      assert.equal(k.kernel.pipeline.publicRoutes.isPublic('/kapis'), false);
    });
  });
});

describe('configuration file', () => {
  it('is read from MORTISE_CONFIG by the process entry point', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mortise-yaml-'));
    try {
      const file = join(dir, 'mortise.yaml');
      writeFileSync(file, 'store: mongodb\n');
      const main = new URL('../main.js', import.meta.url).pathname;
      const result = spawnSync(process.execPath, [main], {
        env: { ...process.env, MORTISE_CONFIG: file },
        encoding: 'utf8',
      });
      assert.equal(result.status, 2);
      assert.equal(
        result.stderr.trim(),
        `invalid configuration: store (in ${file}) must be one of sqlite, memory, kubernetes, got "mongodb"`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
