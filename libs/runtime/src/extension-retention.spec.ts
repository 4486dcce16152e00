import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ExtensionDispatcher } from './extension-dispatcher.js';
import { InMemoryKernel } from './testing/in-memory-kernel.js';
import { FAULTS_GROUP, FAULTS_PATH, TEST_USERS, faultsPackage } from './testing/runtime-fixture.js';

// The test runner starts node without --expose-gc; a new context picks the flag up.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Full GCs in fresh tasks: a WeakRef keeps its target alive until the task that made or read it ends. */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await sleep(0);
    gc();
  }
}

describe('what an upgrade leaves behind', () => {
  let kernel: InMemoryKernel;
  before(async () => {
    kernel = await InMemoryKernel.start({ users: TEST_USERS });
    await kernel.listen();
  });
  after(() => kernel.close());

  it("an upgraded, disabled or uninstalled version's instance, Nest application and Fastify instance are collectable", async () => {
    const dispatcher = () => kernel.dispatchers.get(FAULTS_GROUP) as ExtensionDispatcher;
    const hello = async () =>
      assert.equal((await kernel.request('admin', 'GET', `${FAULTS_PATH}/namespaces/p/hello`)).status, 200);
    const probes: Array<{ what: string; ref: WeakRef<object> }> = [];
    const watchActive = (what: string) => {
      const instance = dispatcher().instance!;
      const application = (instance as unknown as { application: { app: object; fastify: object } }).application;
      probes.push(
        { what: `${what} instance`, ref: new WeakRef(instance) },
        { what: `${what} Nest application`, ref: new WeakRef(application.app) },
        { what: `${what} Fastify instance`, ref: new WeakRef(application.fastify) },
      );
    };

    await kernel.runtime.install(await faultsPackage('1.0.0'));
    await hello();
    watchActive('1.0.0');
    await kernel.runtime.upgrade('faults', await faultsPackage('2.0.0'));
    await hello();
    watchActive('2.0.0');
    await kernel.runtime.disable('faults');
    await kernel.runtime.enable('faults');
    await hello();
    watchActive('2.0.0 enabled again');
    await kernel.runtime.uninstall('faults');

    await collect();
    const alive = probes.filter((p) => p.ref.deref() !== undefined).map((p) => p.what);
    assert.deepEqual(alive, []);
  });
});
