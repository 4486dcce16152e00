import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RequestDeadlines, type DeadlineEntry } from './request-deadlines.js';

class Entry implements DeadlineEntry {
  deadline = 0;
  previous: DeadlineEntry | undefined;
  following: DeadlineEntry | undefined;
  queued = false;
  constructor(readonly name: string) {}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(RequestDeadlines.name, () => {
  it('expires what is still queued at its deadline, in order, and nothing removed before', async () => {
    const expired: string[] = [];
    const deadlines = new RequestDeadlines<Entry>(40, (e) => expired.push(e.name));
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => new Entry(n)) as [Entry, Entry, Entry, Entry];
    const now = performance.now();
    for (const e of [a, b, c, d]) deadlines.add(e, now);
    deadlines.delete(b);
    deadlines.delete(a);
    deadlines.delete(a);
    assert.equal(deadlines.size, 2);
    await sleep(120);
    assert.deepEqual(expired, ['c', 'd']);
    assert.equal(deadlines.size, 0);
    deadlines.delete(c);
    assert.equal(deadlines.size, 0);
  });

  it('keeps a request that is not due yet and re-arms after the list empties', async () => {
    const expired: string[] = [];
    const deadlines = new RequestDeadlines<Entry>(40, (e) => expired.push(e.name));
    const old = new Entry('old');
    const fresh = new Entry('fresh');
    deadlines.add(old, performance.now() - 1000);
    deadlines.add(fresh, performance.now() + 1000);
    await sleep(60);
    assert.deepEqual(expired, ['old']);
    deadlines.delete(fresh);
    await sleep(30);
    const later = new Entry('later');
    deadlines.add(later, performance.now());
    await sleep(120);
    assert.deepEqual(expired, ['old', 'later']);
  });
});
