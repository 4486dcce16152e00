import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReadinessRegistry } from './readiness-registry.js';

describe(ReadinessRegistry.name, () => {
  it('is not ready until start-up is marked done', async () => {
    const registry = new ReadinessRegistry();
    assert.equal((await registry.check()).ready, false);
    registry.markStarted();
    assert.equal((await registry.check()).ready, true);
    registry.markStopping();
    assert.equal((await registry.check()).ready, false);
  });

  it('reports each failing check by name and lets it be removed', async () => {
    const registry = new ReadinessRegistry();
    registry.markStarted();
    const remove = registry.add('store', () => Promise.reject(new Error('database is locked')));
    const report = await registry.check();
    assert.equal(report.ready, false);
    assert.deepEqual(
      report.checks.find((c) => c.name === 'store'),
      { name: 'store', ok: false, message: 'database is locked' },
    );
    assert.throws(() => registry.add('store', () => undefined), /already registered/);
    remove();
    assert.equal((await registry.check()).ready, true);
  });
});
