// Raw wire JSON is read loosely here on purpose: the assertions are the checks.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeKubeApiServer } from './fake-kube-apiserver.js';
import { namespacedCrd } from './kube-test-kit.js';

// Expectations follow the Kubernetes API conventions and API concepts
// documents (Status bodies, optimistic concurrency, lists and watches), not
// what the kubernetes store happens to need.

const widgetCrd = namespacedCrd(
  { group: 'example.mortise.io', version: 'v1', kind: 'Widget', plural: 'widgets' },
  {
    type: 'object',
    properties: {
      spec: { type: 'object', properties: { size: { type: 'integer' } } },
      status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
  },
);

const WIDGETS = '/apis/example.mortise.io/v1/namespaces/ns/widgets';
const SECRETS = '/api/v1/namespaces/ns/secrets';

describe(FakeKubeApiServer.name, () => {
  let server: FakeKubeApiServer;
  let count = 0;
  const unique = () => `w${++count}`;

  before(async () => {
    server = await FakeKubeApiServer.start({ customResourceDefinitions: [widgetCrd], bookmarkIntervalMs: 20 });
  });
  after(() => server.close());

  async function call(method: string, path: string, body?: unknown, contentType = 'application/json') {
    const init: RequestInit = { method, headers: { 'content-type': contentType } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await fetch(server.url + path, init);
    return { code: res.status, body: (await res.json()) as any };
  }
  const widget = (name: string, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'example.mortise.io/v1',
    kind: 'Widget',
    metadata: { name, labels: { app: 'a' } },
    spec: { size: 1 },
    ...extra,
  });

  describe('create and get', () => {
    it('assigns uid, resourceVersion, generation 1 and a creation time, and refuses a duplicate with AlreadyExists', async () => {
      const name = unique();
      const created = await call('POST', WIDGETS, widget(name));
      assert.equal(created.code, 201);
      assert.match(created.body.metadata.uid, /^[0-9a-f-]{36}$/);
      assert.equal(created.body.metadata.generation, 1);
      assert.equal(created.body.metadata.namespace, 'ns');
      assert.match(created.body.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const again = await call('POST', WIDGETS, widget(name));
      assert.equal(again.code, 409);
      assert.equal(again.body.kind, 'Status');
      assert.equal(again.body.reason, 'AlreadyExists');
      assert.deepEqual(again.body.details, { name, group: 'example.mortise.io', kind: 'widgets' });
      const versioned = await call('POST', WIDGETS, {
        ...widget(unique()),
        metadata: { name: unique(), resourceVersion: '5' },
      });
      assert.equal(versioned.code, 500, 'a create may not carry a resourceVersion');
      const missing = await call('GET', `${WIDGETS}/nope`);
      assert.equal(missing.code, 404);
      assert.equal(missing.body.reason, 'NotFound');
    });

    it('prunes fields the schema does not declare and metadata keys ObjectMeta does not have', async () => {
      const body = widget(unique(), { extra: 1 });
      (body.metadata as any).workspace = 'w';
      (body.spec as any).unknown = true;
      const created = await call('POST', WIDGETS, body);
      assert.equal(created.body.extra, undefined);
      assert.equal(created.body.metadata.workspace, undefined);
      assert.deepEqual(created.body.spec, { size: 1 });
    });

    it('shares one increasing resourceVersion across resource types', async () => {
      const a = await call('POST', WIDGETS, widget(unique()));
      const s = await call('POST', SECRETS, { metadata: { name: unique() }, data: { k: 'dg==' } });
      const b = await call('POST', WIDGETS, widget(unique()));
      assert.ok(Number(a.body.metadata.resourceVersion) < Number(s.body.metadata.resourceVersion));
      assert.ok(Number(s.body.metadata.resourceVersion) < Number(b.body.metadata.resourceVersion));
    });
  });

  describe('update', () => {
    it('answers 409 Conflict to a stale resourceVersion and 422 to a custom resource update without one', async () => {
      const name = unique();
      const { body: v1 } = await call('POST', WIDGETS, widget(name));
      const { body: v2 } = await call('PUT', `${WIDGETS}/${name}`, { ...v1, spec: { size: 2 } });
      assert.equal(v2.metadata.generation, 2);
      const stale = await call('PUT', `${WIDGETS}/${name}`, { ...v1, spec: { size: 3 } });
      assert.equal(stale.code, 409);
      assert.equal(stale.body.reason, 'Conflict');
      const unconditional = await call('PUT', `${WIDGETS}/${name}`, { ...v2, metadata: { name } });
      assert.equal(unconditional.code, 422);
      assert.equal(unconditional.body.reason, 'Invalid');
    });

    it('bumps generation on spec changes only; the main resource ignores status and /status ignores the rest', async () => {
      const name = unique();
      const { body: v1 } = await call('POST', WIDGETS, widget(name, { status: { phase: 'dropped' } }));
      assert.equal(v1.status, undefined);
      const { body: v2 } = await call('PUT', `${WIDGETS}/${name}`, {
        ...v1,
        metadata: { ...v1.metadata, labels: { app: 'b' } },
        status: { phase: 'ignored' },
      });
      assert.equal(v2.metadata.generation, 1);
      assert.equal(v2.status, undefined);
      assert.equal(v2.metadata.labels.app, 'b');
      const { body: v3 } = await call('PUT', `${WIDGETS}/${name}/status`, {
        ...v2,
        spec: { size: 9 },
        status: { phase: 'Ready' },
      });
      assert.deepEqual(v3.status, { phase: 'Ready' });
      assert.deepEqual(v3.spec, { size: 1 });
      assert.equal(v3.metadata.generation, 1);
      const { body: same } = await call('PUT', `${WIDGETS}/${name}`, v3);
      assert.equal(same.metadata.resourceVersion, v3.metadata.resourceVersion, 'a no-op write keeps the version');
    });

    it('applies JSON merge patches and refuses other patch types with 415', async () => {
      const name = unique();
      await call('POST', WIDGETS, widget(name));
      const patched = await call(
        'PATCH',
        `${WIDGETS}/${name}`,
        { spec: { size: 5 }, metadata: { labels: { app: null } } },
        'application/merge-patch+json',
      );
      assert.equal(patched.body.spec.size, 5);
      assert.equal(patched.body.metadata.labels, undefined, 'an emptied map is omitted, as the server serializes it');
      const json = await call('PATCH', `${WIDGETS}/${name}`, [], 'application/json-patch+json');
      assert.equal(json.code, 415);
    });
  });

  describe('leases', () => {
    it('serves coordination.k8s.io/v1 Leases with optimistic concurrency, as leader election needs', async () => {
      const LEASES = '/apis/coordination.k8s.io/v1/namespaces/ns/leases';
      const name = unique();
      const spec = { holderIdentity: 'kernel-0', leaseDurationSeconds: 15 };
      const { body: lease } = await call('POST', LEASES, { metadata: { name }, spec });
      assert.equal(lease.kind, 'Lease');
      const taken = await call('PUT', `${LEASES}/${name}`, { ...lease, spec: { ...spec, holderIdentity: 'kernel-1' } });
      assert.equal(taken.code, 200);
      const late = await call('PUT', `${LEASES}/${name}`, { ...lease, spec: { ...spec, holderIdentity: 'kernel-2' } });
      assert.equal(late.code, 409);
      assert.equal((await call('GET', `${LEASES}/${name}`)).body.spec.holderIdentity, 'kernel-1');
    });

    it('decodes lease times only as MicroTime and refuses durations below one second', async () => {
      const LEASES = '/apis/coordination.k8s.io/v1/namespaces/ns/leases';
      const millis = await call('POST', LEASES, {
        metadata: { name: unique() },
        spec: { holderIdentity: 'a', renewTime: '2026-11-27T07:00:00.123Z' },
      });
      assert.equal(millis.code, 400);
      const micros = await call('POST', LEASES, {
        metadata: { name: unique() },
        spec: { holderIdentity: 'a', renewTime: '2026-11-27T07:00:00.123000Z', leaseTransitions: 0 },
      });
      assert.equal(micros.code, 201);
      assert.equal(micros.body.spec.renewTime, '2026-11-27T07:00:00.123000Z');
      const zero = await call('POST', LEASES, { metadata: { name: unique() }, spec: { leaseDurationSeconds: 0 } });
      assert.equal(zero.code, 422);
      assert.equal(zero.body.details.causes[0].field, 'spec.leaseDurationSeconds');
    });
  });

  describe('delete', () => {
    it('marks an object with finalizers for deletion and removes it when an update empties them', async () => {
      const name = unique();
      await call('POST', WIDGETS, { ...widget(name), metadata: { name, finalizers: ['example.mortise.io/hold'] } });
      const deleting = await call('DELETE', `${WIDGETS}/${name}`);
      assert.equal(deleting.code, 202);
      assert.ok(deleting.body.metadata.deletionTimestamp);
      const refused = await call('PUT', `${WIDGETS}/${name}`, {
        ...deleting.body,
        metadata: { ...deleting.body.metadata, finalizers: ['example.mortise.io/hold', 'new'] },
      });
      assert.equal(refused.code, 422);
      const released = await call('PUT', `${WIDGETS}/${name}`, {
        ...deleting.body,
        metadata: { ...deleting.body.metadata, finalizers: [] },
      });
      assert.equal(released.code, 200);
      assert.equal((await call('GET', `${WIDGETS}/${name}`)).code, 404);
    });

    it('checks resourceVersion preconditions and answers Secrets with a Success Status', async () => {
      const name = unique();
      const { body } = await call('POST', SECRETS, { metadata: { name } });
      const stale = await call('DELETE', `${SECRETS}/${name}`, { preconditions: { resourceVersion: '1' } });
      assert.equal(stale.code, 409);
      assert.equal(stale.body.reason, 'Conflict');
      const gone = await call('DELETE', `${SECRETS}/${name}`, {
        preconditions: { resourceVersion: body.metadata.resourceVersion },
      });
      assert.equal(gone.body.kind, 'Status');
      assert.equal(gone.body.status, 'Success');
    });
  });

  describe('list', () => {
    it('filters by set-based label selectors and by metadata.name', async () => {
      const a = unique();
      const b = unique();
      await call('POST', WIDGETS, { ...widget(a), metadata: { name: a, labels: { tier: 'x' } } });
      await call('POST', WIDGETS, { ...widget(b), metadata: { name: b, labels: { tier: 'y' } } });
      const inX = await call('GET', `${WIDGETS}?labelSelector=${encodeURIComponent('tier in (x),!missing')}`);
      assert.deepEqual(
        inX.body.items.map((i: any) => i.metadata.name),
        [a],
      );
      assert.equal(inX.body.kind, 'WidgetList');
      const byName = await call('GET', `${WIDGETS}?fieldSelector=metadata.name%3D${b}`);
      assert.deepEqual(
        byName.body.items.map((i: any) => i.metadata.name),
        [b],
      );
      const bad = await call('GET', `${WIDGETS}?fieldSelector=spec.size%3D1`);
      assert.equal(bad.code, 400);
    });

    it('pages with limit and continue over a consistent snapshot at the first page version', async () => {
      const label = unique();
      for (const n of [1, 2, 3])
        await call('POST', WIDGETS, {
          ...widget(`${label}-${n}`),
          metadata: { name: `${label}-${n}`, labels: { page: label } },
        });
      const first = await call('GET', `${WIDGETS}?limit=2&labelSelector=page%3D${label}`);
      assert.equal(first.body.items.length, 2);
      assert.ok(first.body.metadata.continue);
      await call('POST', WIDGETS, {
        ...widget(`${label}-4`),
        metadata: { name: `${label}-4`, labels: { page: label } },
      });
      await call('DELETE', `${WIDGETS}/${label}-3`);
      const second = await call(
        'GET',
        `${WIDGETS}?limit=2&labelSelector=page%3D${label}&continue=${first.body.metadata.continue}`,
      );
      assert.deepEqual(
        second.body.items.map((i: any) => i.metadata.name),
        [`${label}-3`],
      );
      assert.equal(second.body.metadata.resourceVersion, first.body.metadata.resourceVersion);
      assert.equal(second.body.metadata.continue, undefined);
    });

    it('answers 410 Expired to a continue token older than the retained history', async () => {
      const label = unique();
      for (const n of [1, 2])
        await call('POST', WIDGETS, {
          ...widget(`${label}-${n}`),
          metadata: { name: `${label}-${n}`, labels: { page: label } },
        });
      const first = await call('GET', `${WIDGETS}?limit=1&labelSelector=page%3D${label}`);
      await call('POST', WIDGETS, widget(unique()));
      server.state.compact();
      const expired = await call('GET', `${WIDGETS}?limit=1&continue=${first.body.metadata.continue}`);
      assert.equal(expired.code, 410);
      assert.equal(expired.body.reason, 'Expired');
    });
  });

  describe('watch', () => {
    async function collect(path: string, until: (events: any[]) => boolean, during?: () => Promise<void>) {
      const controller = new AbortController();
      const res = await fetch(server.url + path, { signal: controller.signal });
      assert.equal(res.status, 200);
      const events: any[] = [];
      const reading = (async () => {
        const decoder = new TextDecoder();
        let buffer = '';
        try {
          for await (const chunk of res.body!) {
            buffer += decoder.decode(chunk as Uint8Array, { stream: true });
            let nl;
            while ((nl = buffer.indexOf('\n')) >= 0) {
              events.push(JSON.parse(buffer.slice(0, nl)));
              buffer = buffer.slice(nl + 1);
              if (until(events)) return controller.abort();
            }
          }
        } catch (err) {
          if (!controller.signal.aborted) throw err;
        }
      })();
      await during?.();
      await reading;
      return events;
    }

    it('streams changes after a resourceVersion, turns selector exits into DELETED, and sends bookmarks', async () => {
      const name = unique();
      const { body: created } = await call('POST', WIDGETS, {
        ...widget(name),
        metadata: { name, labels: { w: name } },
      });
      const events = await collect(
        `${WIDGETS}?watch=true&allowWatchBookmarks=true&labelSelector=w%3D${name}&resourceVersion=${created.metadata.resourceVersion}`,
        (e) => e.some((x) => x.type === 'BOOKMARK') && e.some((x) => x.type === 'DELETED'),
        async () => {
          await call('PATCH', `${WIDGETS}/${name}`, { spec: { size: 2 } }, 'application/merge-patch+json');
          await call(
            'PATCH',
            `${WIDGETS}/${name}`,
            { metadata: { labels: { w: 'other' } } },
            'application/merge-patch+json',
          );
        },
      );
      const changes = events.filter((e) => e.type !== 'BOOKMARK');
      assert.deepEqual(
        changes.map((e) => e.type),
        ['MODIFIED', 'DELETED'],
      );
      assert.equal(changes[0].object.spec.size, 2);
      const bookmark = events.find((e) => e.type === 'BOOKMARK');
      assert.deepEqual(Object.keys(bookmark.object.metadata), ['resourceVersion']);
      assert.equal(bookmark.object.kind, 'Widget');
    });

    it('starts with synthetic ADDED events when no resourceVersion is given', async () => {
      const name = unique();
      await call('POST', WIDGETS, { ...widget(name), metadata: { name, labels: { only: name } } });
      const events = await collect(`${WIDGETS}?watch=true&labelSelector=only%3D${name}`, (e) => e.length >= 1);
      assert.equal(events[0].type, 'ADDED');
      assert.equal(events[0].object.metadata.name, name);
    });

    it('reports a too old resourceVersion as an ERROR event carrying a 410 Expired Status', async () => {
      const { body } = await call('POST', WIDGETS, widget(unique()));
      await call('POST', WIDGETS, widget(unique()));
      server.state.compact();
      const events = await collect(
        `${WIDGETS}?watch=true&resourceVersion=${body.metadata.resourceVersion}`,
        (e) => e.length >= 1,
      );
      assert.equal(events[0].type, 'ERROR');
      assert.equal(events[0].object.code, 410);
      assert.equal(events[0].object.reason, 'Expired');
    });
  });
});
