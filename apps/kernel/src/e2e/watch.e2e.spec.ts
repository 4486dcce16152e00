import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestKernel, type TestKernel } from '../testing/kernel-fixture.js';

const WORKSPACES = '/kapis/tenant.mortise.io/v1/workspaces';
const workspace = (name: string) => ({ metadata: { name }, spec: {} });

describe('watch', () => {
  let k: TestKernel;
  before(async () => {
    k = await startTestKernel({ watchBookmarkIntervalMs: 200 });
  });
  after(() => k.close());

  it('streams current objects, then changes, as newline-delimited {type, object}', async () => {
    await k.call('POST', WORKSPACES, { body: workspace('w-before') });
    const watch = await k.watch(`${WORKSPACES}?watch=true`);
    assert.equal(watch.status, 200);
    const first = await watch.next();
    assert.equal(first?.type, 'ADDED');
    assert.equal(first?.object.metadata.name, 'w-before');

    await k.call('POST', WORKSPACES, { body: workspace('w-live') });
    await k.call('PATCH', `${WORKSPACES}/w-live`, {
      body: { spec: { displayName: 'Live' } },
      contentType: 'application/merge-patch+json',
    });
    await k.call('DELETE', `${WORKSPACES}/w-live`);
    // Deleting a workspace first marks it (its cleanup finalizer runs), so more than one MODIFIED may come.
    const events: string[] = [];
    for (let i = 0; i < 10 && events.at(-1) !== 'DELETED w-live'; i++) {
      const event = await watch.next();
      events.push(`${event?.type} ${event?.object.metadata.name}`);
    }
    watch.close();
    assert.equal(events[0], 'ADDED w-live');
    assert.equal(events[1], 'MODIFIED w-live');
    assert.equal(events.at(-1), 'DELETED w-live');
    assert.ok(
      events.slice(1, -1).every((e) => e === 'MODIFIED w-live'),
      events.join(', '),
    );
  });

  it('resumes after a resourceVersion with only the later changes', async () => {
    const created = await k.call('POST', WORKSPACES, { body: workspace('w-resume-1') });
    const from = created.body.metadata.resourceVersion as string;
    await k.call('POST', WORKSPACES, { body: workspace('w-resume-2') });
    const watch = await k.watch(`${WORKSPACES}?watch=true&resourceVersion=${from}`);
    const next = await watch.next();
    assert.equal(next?.type, 'ADDED');
    assert.equal(next?.object.metadata.name, 'w-resume-2');
    watch.close();
  });

  it('filters by label selector and sends bookmarks only when asked', async () => {
    const watch = await k.watch(
      `${WORKSPACES}?watch=true&resourceVersion=1&labelSelector=team%3Dblue&allowWatchBookmarks=true`,
    );
    await k.call('POST', WORKSPACES, { body: { metadata: { name: 'w-red', labels: { team: 'red' } }, spec: {} } });
    await k.call('POST', WORKSPACES, { body: { metadata: { name: 'w-blue', labels: { team: 'blue' } }, spec: {} } });
    const types: string[] = [];
    for (;;) {
      const event = await watch.next();
      assert.ok(event);
      if (event.type === 'BOOKMARK') {
        assert.ok(event.object.metadata.resourceVersion);
        types.push('BOOKMARK');
        if (types.includes('ADDED')) break;
        continue;
      }
      assert.equal(event.object.metadata.name, 'w-blue');
      types.push(event.type);
    }
    assert.ok(types.includes('ADDED'));
    watch.close();
  });

  it('ends with timeoutSeconds and releases the watch when the client goes away', async () => {
    const timed = await k.watch(`${WORKSPACES}?watch=true&resourceVersion=1&timeoutSeconds=1`);
    let event = await timed.next(3000);
    while (event) event = await timed.next(3000);
    assert.equal(event, undefined);

    const dropped = await k.watch(`${WORKSPACES}?watch=true`);
    await dropped.next();
    assert.ok(k.kernel.watches.size >= 1);
    dropped.close();
    for (let i = 0; i < 100 && k.kernel.watches.size > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(k.kernel.watches.size, 0);
  });

  it('ends open watches cleanly when the kernel closes', async () => {
    const own = await startTestKernel();
    const watch = await own.watch(`${WORKSPACES}?watch=true`);
    await own.call('POST', WORKSPACES, { body: workspace('w-closing') });
    assert.equal((await watch.next())?.type, 'ADDED');
    const closed = own.close();
    assert.equal(await watch.next(3000), undefined);
    await closed;
  });
});
