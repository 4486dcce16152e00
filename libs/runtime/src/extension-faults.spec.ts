import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Status } from '@mortise/api';
import { fixtureEntry, writeExtensionPackage } from './testing/extension-package.js';
import { InMemoryKernel } from './testing/in-memory-kernel.js';
import { FAULTS_PATH, TEST_USERS, faultsManifest, faultsPackage } from './testing/runtime-fixture.js';

describe('ExtensionRuntime fault containment', () => {
  let kernel: InMemoryKernel;
  before(async () => {
    kernel = await InMemoryKernel.start({ users: TEST_USERS });
    await kernel.runtime.install(await faultsPackage());
  });
  after(() => kernel.close());

  const ready = () => kernel.runtime.status('faults').conditions.find((c) => c.type === 'Ready');

  for (const [route, reason] of [
    ['throw', 'HandlerError'],
    ['reject', 'HandlerError'],
  ] as const) {
    it(`a handler that ${route}s gives a 500 naming the extension and Ready=False ${reason}`, async () => {
      const res = await kernel.request<Status>('admin', 'GET', `${FAULTS_PATH}/${route}`);
      assert.equal(res.status, 500);
      assert.equal(res.body.reason, 'InternalError');
      assert.match(res.body.message, /extension "faults"/);
      assert.doesNotMatch(JSON.stringify(res.body), /boom|rejected later|at /);
      assert.equal(ready()?.status, 'False');
      assert.equal(ready()?.reason, reason);
      assert.match(kernel.runtime.status('faults').lastFailure?.message ?? '', /boom|rejected later/);
    });
  }

  it('a handler that never answers times out with 504 naming the extension', async () => {
    const res = await kernel.request<Status>('admin', 'GET', `${FAULTS_PATH}/hang`);
    assert.equal(res.status, 504);
    assert.match(res.body.message, /extension "faults" did not answer within 0.3 s/);
    assert.equal(ready()?.reason, 'HandlerTimeout');
  });

  it('the next good answer sets Ready=True again and other routes keep working', async () => {
    assert.equal((await kernel.request('admin', 'GET', `${FAULTS_PATH}/namespaces/p/hello`)).status, 200);
    assert.equal(ready()?.status, 'True');
    assert.ok(kernel.runtime.status('faults').failures >= 3);
  });

  it('domain errors are answers, not faults', async () => {
    const before = kernel.runtime.status('faults').failures;
    const res = await kernel.request<Status>('admin', 'GET', `${FAULTS_PATH}/missing`);
    assert.equal(res.status, 404);
    assert.equal(res.body.message, 'no such widget');
    assert.equal(kernel.runtime.status('faults').failures, before);
  });

  it('a path the extension does not serve is a NotFound Status', async () => {
    const res = await kernel.request<Status>('admin', 'GET', `${FAULTS_PATH}/nothing-here`);
    assert.equal(res.status, 404);
    assert.equal(res.body.kind, 'Status');
  });

  it('a malformed body is a 400 Status, not a fault', async () => {
    const res = await kernel.app.inject({
      method: 'POST',
      url: `${FAULTS_PATH}/echo`,
      headers: { authorization: 'Bearer admin', 'content-type': 'application/json' },
      payload: '{"a":',
    });
    assert.equal(res.statusCode, 400);
    assert.equal(JSON.parse(res.body).kind, 'Status');
  });

  it('counts errors per extension and reason', async () => {
    const text = await kernel.metrics.metrics();
    assert.match(text, /mortise_extension_request_errors_total\{extension="faults",reason="HandlerError"\} 2/);
    assert.match(text, /mortise_extension_request_errors_total\{extension="faults",reason="HandlerTimeout"\} 1/);
  });
});

describe('ExtensionRuntime boot failures', () => {
  let kernel: InMemoryKernel;
  before(async () => (kernel = await InMemoryKernel.start({ users: TEST_USERS })));
  after(() => kernel.close());

  it('a module that fails to boot is refused with the missing dependency named; callers get 503 naming it', async () => {
    const dir = await writeExtensionPackage(
      { ...faultsManifest(), name: 'broken', resources: [], roleTemplates: [], entries: [] },
      fixtureEntry('broken'),
    );
    await assert.rejects(kernel.runtime.install(dir), /broken.*failed to boot.*Clock/s);
    const status = kernel.runtime.status('broken');
    assert.equal(status.conditions[0]?.status, 'False');
    assert.equal(status.conditions[0]?.reason, 'BootFailed');
    const res = await kernel.request<Status>('admin', 'GET', `${FAULTS_PATH}/widgets-report`);
    assert.equal(res.status, 503);
    assert.match(res.body.message, /extension "broken" is not available/);
  });

  it('an upgrade that fails to boot leaves the old version serving', async () => {
    await kernel.runtime.uninstall('broken');
    await kernel.runtime.install(await faultsPackage('1.0.0'));
    const broken = await writeExtensionPackage(faultsManifest('2.0.0'), fixtureEntry('broken'));
    await assert.rejects(kernel.runtime.upgrade('faults', broken), /failed to boot/);
    const res = await kernel.request<{ version: string }>('admin', 'GET', `${FAULTS_PATH}/namespaces/p/hello`);
    assert.equal(res.body.version, '1.0.0');
    const status = kernel.runtime.status('faults');
    assert.equal(status.version, '1.0.0');
    assert.equal(status.lastFailure?.reason, 'UpgradeFailed');
  });
});
