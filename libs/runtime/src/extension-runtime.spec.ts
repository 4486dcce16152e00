import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureEntry, writeExtensionPackage } from './testing/extension-package.js';
import { InMemoryKernel } from './testing/in-memory-kernel.js';
import { FAULTS_GROUP, FAULTS_PATH, TEST_USERS, faultsManifest, faultsPackage } from './testing/runtime-fixture.js';

describe('ExtensionRuntime install', () => {
  let kernel: InMemoryKernel;
  before(async () => {
    kernel = await InMemoryKernel.start({ users: TEST_USERS });
    await kernel.runtime.install(await faultsPackage());
  });
  after(() => kernel.close());

  it('serves the controllers under /kapis/{group}/{version} with the caller and project', async () => {
    const res = await kernel.request('manager', 'GET', `${FAULTS_PATH}/namespaces/p1/hello`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { user: 'manager', project: 'p1', version: '1.0.0' });
  });

  it('passes only authorized requests: 403 without a grant, 401 for an unknown credential', async () => {
    assert.equal((await kernel.request('nobody', 'GET', `${FAULTS_PATH}/namespaces/p1/hello`)).status, 403);
    assert.equal((await kernel.request('mallory', 'GET', `${FAULTS_PATH}/namespaces/p1/hello`)).status, 401);
    assert.equal((await kernel.request('reader', 'GET', `${FAULTS_PATH}/namespaces/p1/hello`)).status, 200);
  });

  it("answers an extension's can() with the kernel authorizer", async () => {
    assert.deepEqual((await kernel.request('admin', 'GET', `${FAULTS_PATH}/can`)).body, { manage: true, read: true });
  });

  it('reads the request body in the extension', async () => {
    const res = await kernel.request('manager', 'POST', `${FAULTS_PATH}/echo`, { a: 1 });
    assert.equal(res.status, 201);
    assert.deepEqual(res.body, { body: { a: 1 } });
  });

  it('registers declared kinds and keeps their plurals for the kernel; subresources go to the extension', () => {
    const def = kernel.kinds.findByPlural(FAULTS_GROUP, 'v1', 'widgets');
    assert.equal(def?.owner?.type, 'extension');
    const base = { isResourceRequest: true, apiGroup: FAULTS_GROUP, apiVersion: 'v1', resource: 'widgets' } as const;
    const info = {
      ...base,
      path: '',
      verb: 'get',
      subresource: '',
      name: 'w',
      scope: 'namespace',
      workspace: '',
      project: 'p',
    } as const;
    assert.equal(kernel.dispatchers.route(info), undefined);
    assert.equal(kernel.dispatchers.route({ ...info, subresource: 'status' }), undefined);
    assert.equal(kernel.dispatchers.route({ ...info, subresource: 'poke' })?.name, 'extension/faults');
  });

  it('gives the extension a resource client limited to its declared kinds', async () => {
    const poke = await kernel.request<{ kind: string }>(
      'manager',
      'POST',
      `${FAULTS_PATH}/namespaces/p1/widgets/w/poke`,
      {},
    );
    assert.equal(poke.status, 201);
    assert.equal(poke.body.kind, 'WidgetList');
    const foreign = await kernel.request<{ reason: string; message: string }>('admin', 'GET', `${FAULTS_PATH}/foreign`);
    assert.equal(foreign.status, 403);
    assert.match(foreign.body.message, /only use the kinds it declares/);
  });

  it('publishes its RoleTemplates and menu entry', async () => {
    const template = await kernel.store.get({ group: 'iam.mortise.io', kind: 'RoleTemplate', name: 'widgets-manage' });
    assert.equal(template.metadata.labels?.['iam.mortise.io/aggregate-to-project-admin'], 'true');
    const entry = await kernel.store.get({ group: 'extensions.mortise.io', kind: 'ExtensionEntry', name: 'faults' });
    assert.deepEqual(
      (entry['spec'] as { entries: { name: string }[] }).entries.map((e) => e.name),
      ['widgets'],
    );
  });

  it('exports per-extension request metrics', async () => {
    const text = await kernel.metrics.metrics();
    assert.match(text, /mortise_extension_requests_total\{extension="faults",version="1.0.0",code="200"\} \d+/);
    assert.match(text, /mortise_extension_requests_in_flight\{extension="faults"\} 0/);
    assert.match(text, /mortise_extension_request_duration_seconds_count\{extension="faults"\} \d+/);
  });

  it('refuses a second claim on the group and a second install', async () => {
    const other = await writeExtensionPackage({ ...faultsManifest(), name: 'other' }, fixtureEntry('faults'));
    await assert.rejects(kernel.runtime.install(other), /already owned by extension "faults"/);
    await assert.rejects(kernel.runtime.install(await faultsPackage()), /already installed/);
  });
});

describe('ExtensionRuntime wiring errors', () => {
  let kernel: InMemoryKernel;
  before(async () => (kernel = await InMemoryKernel.start({ users: TEST_USERS })));
  after(() => kernel.close());

  it('refuses a config that does not match configSchema, naming the field', async () => {
    const dir = await faultsPackage();
    await assert.rejects(kernel.runtime.install(dir, { config: { greeting: 5 } }), /config\.greeting/);
    assert.equal(kernel.groups.ownerOf(FAULTS_GROUP), undefined);
  });

  it('refuses a backend route that shadows a declared plural', async () => {
    const dir = await writeExtensionPackage(faultsManifest('1.0.0', { name: 'shadow' }), fixtureEntry('shadowing'));
    await assert.rejects(
      kernel.runtime.install(dir),
      /GET \/kapis\/faults\.example\.io\/v1\/namespaces\/:project\/widgets/,
    );
  });

  it("reports register()'s refusal with its message", async () => {
    const dir = await writeExtensionPackage(
      { ...faultsManifest(), name: 'refuser', backend: { group: 'refuser.example.io' }, resources: [] },
      fixtureEntry('shadowing'),
    );
    await assert.rejects(kernel.runtime.install(dir, { config: { refuse: true } }), /config\.refuse is set; unset it/);
  });

  it('refuses a manifest without a group, naming the field', async () => {
    const dir = await writeExtensionPackage({ name: 'nogroup', version: '1.0.0', backend: {} }, fixtureEntry('faults'));
    await assert.rejects(kernel.runtime.install(dir), /backend\.group/);
  });
});
