// Raw wire JSON is read loosely here on purpose: the assertions are the checks.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ServiceUnavailableError } from '@mortise/api';
import { runStoreContract } from '../testing/store-contract.js';
import { WIDGET, summary, take, widget } from '../testing/store-fixtures.js';
import { KubernetesStore, type KubernetesStoreOptions } from './kubernetes.store.js';
import { FakeKubeApiServer } from './testing/fake-kube-apiserver.js';
import { CONTRACT_KINDS, contractKindCrd, genericCrd, kubeConfigFor } from './testing/kube-test-kit.js';

const NAMESPACE = 'mortise-system';

async function startFake(historyLimit?: number): Promise<FakeKubeApiServer> {
  return FakeKubeApiServer.start({
    customResourceDefinitions: [genericCrd(), ...CONTRACT_KINDS.map(contractKindCrd)],
    bookmarkIntervalMs: 20,
    ...(historyLimit ? { historyLimit } : {}),
  });
}

function storeOn(server: FakeKubeApiServer, kinds: KubernetesStoreOptions['kinds']): KubernetesStore {
  return new KubernetesStore({ kubeConfig: kubeConfigFor(server.url, NAMESPACE), namespace: NAMESPACE, kinds });
}

// The one contract, through the API server double, for each place a kind can
// live: its own CRD, the generic CRD, and Secrets (internal kinds).
const variants: { name: string; kinds: KubernetesStoreOptions['kinds'] }[] = [
  { name: 'kubernetes, own CRDs', kinds: CONTRACT_KINDS },
  { name: 'kubernetes, generic CRD', kinds: [] },
  { name: 'kubernetes, Secrets', kinds: CONTRACT_KINDS.map((kind) => ({ ...kind, internal: true })) },
];

for (const variant of variants) {
  runStoreContract(variant.name, async (options) => {
    const server = await startFake(options.historyEvents);
    const store = storeOn(server, variant.kinds);
    const close = store.close.bind(store);
    store.close = async () => {
      await close();
      await server.close();
    };
    return store;
  });
}

describe(KubernetesStore.name, () => {
  let server: FakeKubeApiServer;
  before(async () => {
    server = await startFake();
  });
  after(() => server.close());

  const raw = async (path: string) => (await (await fetch(`${server.url}${path}`)).json()) as any;

  it('keeps a kind with its own CRD as custom resources named <scope>.<name>, scope in labels', async () => {
    const store = storeOn(server, CONTRACT_KINDS);
    await store.create(widget('a', { namespace: 'p1', labels: { tier: 'web' } }));
    const cr = await raw(`/apis/test.mortise.io/v1/namespaces/${NAMESPACE}/widgets/p1.a`);
    assert.equal(cr.kind, 'Widget');
    assert.deepEqual(cr.spec, { size: 1 });
    assert.equal(cr.metadata.labels['mortise.io/project'], 'p1');
    assert.equal(cr.metadata.labels.tier, 'web');
    await store.close();
  });

  it("passes on the server's remainingItemCount for an unfiltered page", async () => {
    const store = storeOn(server, CONTRACT_KINDS);
    for (const name of ['r1', 'r2', 'r3']) await store.create({ ...widget(name), kind: 'Gadget' });
    const page = await store.list({ group: 'test.mortise.io', kind: 'Gadget' }, { limit: 1 });
    assert.equal(page.metadata.remainingItemCount, 2);
    await store.close();
  });

  it('keeps other kinds in the generic CRD and internal kinds in Secrets', async () => {
    const generic = storeOn(server, []);
    await generic.create(widget('g', { namespace: 'p1' }));
    const object = await raw(`/apis/store.mortise.io/v1/namespaces/${NAMESPACE}/objects/widget.test.mortise.io.p1.g`);
    assert.deepEqual(object.spec, { apiVersion: 'test.mortise.io/v1', kind: 'Widget', fields: { spec: { size: 1 } } });
    assert.equal(object.metadata.labels['store.mortise.io/kind'], 'Widget');
    const internal = storeOn(
      server,
      CONTRACT_KINDS.map((kind) => ({ ...kind, internal: true })),
    );
    await internal.create(widget('s'));
    const secret = await raw(`/api/v1/namespaces/${NAMESPACE}/secrets/widget.test.mortise.io.s`);
    assert.equal(secret.type, 'store.mortise.io/object');
    const gone = await fetch(`${server.url}/apis/test.mortise.io/v1/namespaces/${NAMESPACE}/widgets/s`);
    assert.equal(gone.status, 404);
    await generic.close();
    await internal.close();
  });

  it('reconnects a watch the server ends, from the last version it saw', async () => {
    const store = storeOn(server, CONTRACT_KINDS);
    const start = (await store.list(WIDGET, { scope: 'rw' })).metadata.resourceVersion;
    const controller = new AbortController();
    const events = store
      .watch({ kind: WIDGET, scope: 'rw', resourceVersion: start, signal: controller.signal })
      [Symbol.asyncIterator]();
    await store.create(widget('one', { namespace: 'rw' }));
    assert.deepEqual(summary(await take(events, 1)), ['ADDED one']);
    server.dropWatches();
    await store.create(widget('two', { namespace: 'rw' }));
    assert.deepEqual(summary(await take(events, 1)), ['ADDED two']);
    controller.abort();
    await store.close();
  });

  it('merges the all-kinds watch over every collection, with bookmarks no stream is behind', async () => {
    const store = storeOn(server, [...CONTRACT_KINDS.slice(0, 1), { ...CONTRACT_KINDS[1], internal: true }]);
    const start = (await store.list(WIDGET)).metadata.resourceVersion;
    const controller = new AbortController();
    const events = store
      .watch({ resourceVersion: start, bookmarkIntervalMs: 20, signal: controller.signal })
      [Symbol.asyncIterator]();
    const own = await store.create(widget('own', { namespace: 'merged' }));
    await store.create({ ...widget('secret', { namespace: 'merged' }), kind: 'Gadget' });
    await store.create({ ...widget('generic', { namespace: 'merged' }), kind: 'TestRole' });
    const seen = new Map<string, string>();
    let bookmark: string | undefined;
    while (seen.size < 3 || bookmark === undefined) {
      const [event] = await take(events, 1);
      if (event.type === 'BOOKMARK') bookmark = event.object.metadata.resourceVersion;
      else seen.set(event.object.kind, event.object.metadata.name);
    }
    assert.deepEqual(Object.fromEntries(seen), { Widget: 'own', Gadget: 'secret', TestRole: 'generic' });
    assert.ok(Number(bookmark) >= Number(own.metadata.resourceVersion));
    controller.abort();
    await store.close();
  });

  it('reports a kind whose CRD is not installed as ServiceUnavailable, naming the fix', async () => {
    const bare = await FakeKubeApiServer.start();
    const store = storeOn(bare, CONTRACT_KINDS);
    await assert.rejects(store.get({ ...WIDGET, name: 'a' }), (err: Error) => {
      assert.ok(err instanceof ServiceUnavailableError);
      assert.match(err.message, /kubectl apply -f deploy\/crds/);
      return true;
    });
    await assert.rejects(store.ping(), ServiceUnavailableError);
    await store.close();
    await bare.close();
  });

  it('reports an unreachable API server as ServiceUnavailable', async () => {
    const down = await startFake();
    const store = storeOn(down, []);
    await down.close();
    await assert.rejects(store.ping(), ServiceUnavailableError);
    await assert.rejects(store.get({ ...WIDGET, name: 'a' }), ServiceUnavailableError);
    await store.close();
  });
});
