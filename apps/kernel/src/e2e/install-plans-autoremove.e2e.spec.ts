import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '@mortise/store';
import { startTestKernel, type CallResult, type TestKernel, type WatchEventLine } from '../testing/kernel-fixture.js';
import { INSTALL_PLANS, gone, inState, planBody, releaseService, waitForPlan } from '../testing/extension-catalog.js';

const MERGE = 'application/merge-patch+json';
const AUTO = 'extensions.mortise.io/auto-installed';
const REQUIRED_BY = 'extensions.mortise.io/required-by';
// Nothing listens there: these tests look at plans and store objects, not at proxied traffic.
const UPSTREAM = 'http://127.0.0.1:9';

interface PlanEvent extends WatchEventLine {
  object: WatchEventLine['object'] & {
    status?: { stateHistory?: { state: string; message?: string }[] };
  };
}

describe('auto-installed dependencies of InstallPlans', () => {
  let k: TestKernel;
  const installed = inState('Installed');

  before(async () => {
    k = await startTestKernel();
    const store = k.kernel.store;
    await releaseService(store, 'base', '1.0.0', UPSTREAM);
    await releaseService(store, 'lib', '1.0.0', UPSTREAM, { dependencies: { base: '~1.0.0' } });
    await releaseService(store, 'app', '1.0.0', UPSTREAM, { dependencies: { lib: '^1.0.0' } });
    await releaseService(store, 'app2', '1.0.0', UPSTREAM, { dependencies: { lib: '^1.0.0' } });
  });
  after(() => k.close());

  const install = async (...names: string[]) => {
    for (const name of names)
      assert.equal((await k.call('POST', INSTALL_PLANS, { body: planBody(name, '1.0.0') })).status, 201);
    for (const name of names) await waitForPlan(k, name, installed);
  };
  const uninstall = async (name: string) => {
    assert.equal((await k.call('DELETE', `${INSTALL_PLANS}/${name}`)).status, 200);
    await waitForPlan(k, name, gone);
  };
  /** The plan once the controller and the dependency collector have nothing left to do. */
  const settledPlan = async (name: string): Promise<CallResult> => {
    await k.kernel.installPlans.settled();
    return k.call('GET', `${INSTALL_PLANS}/${name}`);
  };
  const labelled = async (name: string) =>
    (
      await k.kernel.store.list(
        { group: 'extensions.mortise.io', kind: 'APIService' },
        { labelSelector: `extensions.mortise.io/extension=${name}` },
      )
    ).items.length;

  it('says on a dependency why the kernel installed it', async () => {
    await install('app');
    const lib = await waitForPlan(k, 'lib', installed);
    assert.equal(lib.body.metadata.labels[AUTO], 'true');
    assert.equal(lib.body.metadata.annotations[REQUIRED_BY], 'app');
    const condition = lib.body.status.conditions.find((c: { type: string }) => c.type === 'AutoInstalled');
    assert.equal(condition?.status, 'True');
    assert.match(condition.message, /installed automatically because app depends on it/);
    const app = await k.call('GET', `${INSTALL_PLANS}/app`);
    assert.match(
      app.body.status.stateHistory.map((h: { message?: string }) => h.message).join('\n'),
      /waiting for dependencies: base@1\.0\.0, lib@1\.0\.0 \(auto-installing base, lib\)/,
    );
  });

  it('uninstalls the whole chain of auto-installed dependencies with their dependant, saying why', async () => {
    const watch = await k.watch(`${INSTALL_PLANS}?watch=true`);
    const events: PlanEvent[] = [];
    const followed = (async () => {
      for (let e = await watch.next(15_000); e; e = await watch.next(15_000)) {
        events.push(e);
        if (e.type === 'DELETED' && e.object.metadata.name === 'base') return;
      }
    })();
    await uninstall('app');
    await waitForPlan(k, 'lib', gone);
    await waitForPlan(k, 'base', gone);
    await followed;
    watch.close();
    const libUninstalling = events
      .filter((e) => e.object.metadata.name === 'lib')
      .flatMap((e) => e.object.status?.stateHistory ?? [])
      .find((h) => h.state === 'Uninstalling');
    assert.match(libUninstalling?.message ?? '', /auto-installed for app, and no installed extension depends on it/);
    assert.equal(await labelled('lib'), 0, 'its gateway objects went as for any uninstall');
    assert.equal(await labelled('base'), 0);
    const review = await k.call('POST', '/kapis/iam.mortise.io/v1/accessreviews', {
      body: { user: 'ext:lib', verb: 'list', apiGroup: 'tenant.mortise.io', resource: 'workspaces' },
    });
    assert.equal(review.status, 404, 'its identity went too');
  });

  it('installs a dependant again at once after its uninstall, its dependencies auto-installed anew', async () => {
    await install('app');
    await uninstall('app');
    // lib and base are being collected now, or just were: app waits for them to go, then installs them again.
    await install('app');
    for (const name of ['lib', 'base']) {
      const plan = await waitForPlan(k, name, installed);
      assert.equal(plan.body.metadata.labels[AUTO], 'true');
      assert.equal(plan.body.metadata.deletionTimestamp, undefined);
    }
    await uninstall('app');
    await waitForPlan(k, 'lib', gone);
    await waitForPlan(k, 'base', gone);
  });

  it('keeps an auto-installed dependency another installed extension still needs', async () => {
    await install('app', 'app2');
    await waitForPlan(k, 'lib', (r) => r.body?.metadata.annotations?.[REQUIRED_BY] === 'app,app2');
    await uninstall('app');
    const lib = await waitForPlan(k, 'lib', (r) => r.body?.metadata.annotations?.[REQUIRED_BY] === 'app2');
    assert.equal(lib.body.metadata.deletionTimestamp, undefined);
    assert.ok(installed(await settledPlan('lib')));
    assert.ok(installed(await settledPlan('base')));
    await uninstall('app2');
    await waitForPlan(k, 'lib', gone);
    await waitForPlan(k, 'base', gone);
  });

  it('never removes a dependency a user installed', async () => {
    await install('base', 'app');
    assert.equal((await k.call('GET', `${INSTALL_PLANS}/base`)).body.metadata.labels?.[AUTO], undefined);
    await uninstall('app');
    await waitForPlan(k, 'lib', gone);
    const base = await settledPlan('base');
    assert.ok(installed(base), base.text);
    assert.equal(base.body.metadata.deletionTimestamp, undefined);
    await uninstall('base');
  });

  const adoptions: [string, Record<string, unknown>][] = [
    ['edits its spec', { spec: { upgradeStrategy: 'Automatic' } }],
    ['takes its label off', { metadata: { labels: { [AUTO]: null } } }],
  ];
  for (const [how, patch] of adoptions) {
    it(`makes an auto-installed plan theirs when a user ${how}: kept when its dependant goes`, async () => {
      await install('app');
      const edited = await k.call('PATCH', `${INSTALL_PLANS}/lib`, { body: patch, contentType: MERGE });
      assert.equal(edited.status, 200, edited.text);
      assert.equal(edited.body.metadata.labels?.[AUTO], undefined);
      assert.equal(edited.body.metadata.annotations?.[REQUIRED_BY], undefined);
      await waitForPlan(
        k,
        'lib',
        (r) => !r.body?.status?.conditions?.some((c: { type: string }) => c.type === 'AutoInstalled'),
      );
      await uninstall('app');
      const lib = await settledPlan('lib');
      assert.ok(installed(lib), lib.text);
      assert.equal(lib.body.metadata.deletionTimestamp, undefined);
      // Its own auto-installed dependency follows it once the user uninstalls it.
      await uninstall('lib');
      await waitForPlan(k, 'base', gone);
    });
  }
});

describe('auto-installed dependencies across a restart', () => {
  const store = new MemoryStore();
  let k: TestKernel;
  before(async () => {
    k = await startTestKernel({ store });
    await releaseService(store, 'base', '1.0.0', UPSTREAM);
    await releaseService(store, 'lib', '1.0.0', UPSTREAM, { dependencies: { base: '~1.0.0' } });
    await releaseService(store, 'app', '1.0.0', UPSTREAM, { dependencies: { lib: '^1.0.0' } });
  });
  after(async () => {
    await k.close();
    await store.close();
  });

  it('collects what a kernel stopped right after the dependant went left behind', async () => {
    assert.equal((await k.call('POST', INSTALL_PLANS, { body: planBody('app', '1.0.0') })).status, 201);
    for (const name of ['app', 'lib', 'base']) await waitForPlan(k, name, inState('Installed'));
    await k.close();
    // The dependant's uninstall finished (finalizer dropped, plan gone), its dependencies' collection did not.
    const ref = { group: 'extensions.mortise.io', kind: 'InstallPlan', name: 'app' };
    const deleting = await store.delete(ref);
    await store.update({ ...deleting, metadata: { ...deleting.metadata, finalizers: [] } });
    k = await startTestKernel({ store });
    await waitForPlan(k, 'lib', gone);
    await waitForPlan(k, 'base', gone);
  });
});
