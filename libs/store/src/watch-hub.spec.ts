import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpiredError } from '@mortise/api';
import type { ChangeRecord } from './change-record.js';
import { WatchHub } from './watch-hub.js';
import { take } from './testing/store-fixtures.js';

function added(resourceVersion: number, time = 0): ChangeRecord {
  return {
    type: 'ADDED',
    resourceVersion,
    group: 'test.mortise.io',
    kind: 'Widget',
    time,
    object: {
      apiVersion: 'test.mortise.io/v1',
      kind: 'Widget',
      metadata: { name: `w${resourceVersion}`, resourceVersion: String(resourceVersion) },
    },
  };
}

describe(WatchHub.name, () => {
  it('closes a watcher that falls behind with Expired instead of blocking the writer', async () => {
    const hub = new WatchHub(0, { queueLimit: 3 });
    const iterator = hub.watch({ resourceVersion: '0' }, () => [])[Symbol.asyncIterator]();
    for (let rv = 1; rv <= 10; rv++) hub.publish(added(rv));
    await assert.rejects(iterator.next(), ExpiredError);
  });

  it('keeps the newer of minEvents and minAgeMs worth of history', async () => {
    let now = 0;
    const hub = new WatchHub(0, { minEvents: 2, minAgeMs: 1000, now: () => now });
    for (let rv = 1; rv <= 5; rv++) hub.publish(added(rv, 0));
    assert.equal(hub.floor, 0, 'young events are kept beyond minEvents');
    now = 5000;
    hub.publish(added(6, 5000));
    assert.equal(hub.floor, 4, 'old events beyond minEvents are dropped');
    const replay = hub.watch({ resourceVersion: '4' }, () => [])[Symbol.asyncIterator]();
    assert.deepEqual(
      (await take(replay, 2)).map((e) => e.object.metadata.name),
      ['w5', 'w6'],
    );
    await assert.rejects(
      hub
        .watch({ resourceVersion: '3' }, () => [])
        [Symbol.asyncIterator]()
        .next(),
      ExpiredError,
    );
    hub.closeAll();
  });

  it('never keeps more than maxEvents', () => {
    const hub = new WatchHub(0, { minEvents: 10, maxEvents: 3, minAgeMs: 60_000, now: () => 0 });
    for (let rv = 1; rv <= 8; rv++) hub.publish(added(rv, 0));
    assert.equal(hub.floor, 5);
  });

  it('stops at once on abort, queued events or not, and never registers an already-aborted watch', async () => {
    const hub = new WatchHub(0);
    const controller = new AbortController();
    const iterator = hub.watch({ resourceVersion: '0', signal: controller.signal }, () => [])[Symbol.asyncIterator]();
    hub.publish(added(1));
    controller.abort();
    assert.equal((await iterator.next()).done, true);
    const late = hub.watch({ resourceVersion: '0', signal: controller.signal }, () => [])[Symbol.asyncIterator]();
    assert.equal((await late.next()).done, true);
    assert.equal(hub.watcherCount, 0);
  });

  it('ends watches on closeAll', async () => {
    const hub = new WatchHub(0);
    const iterator = hub.watch({ resourceVersion: '0' }, () => [])[Symbol.asyncIterator]();
    const pending = iterator.next();
    hub.closeAll();
    assert.equal((await pending).done, true);
  });
});
