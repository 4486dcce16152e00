import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { InstallPlan } from '@mortise/api';
import { MemoryStore } from '@mortise/store';
import { planFixture, storePlans, versionFixture } from '../testing/install-plan-fixture.js';
import { ConfigSecrets } from './config-secrets.js';
import type { ExtensionHost } from './extension-host.js';
import { AUTO_INSTALLED_LABEL, REQUIRED_BY_ANNOTATION, planRef } from './install-plan-names.js';
import { InstallSteps } from './install-steps.js';

const APP = versionFixture('app', '1.0.0', { lib: '^1.0.0' });
const APP2 = versionFixture('app2', '1.0.0', { lib: '^1.0.0', base: '^1.0.0' });

async function steps(plans: InstallPlan[]): Promise<{ store: MemoryStore; steps: InstallSteps }> {
  const store = new MemoryStore();
  for (const version of [
    APP,
    APP2,
    versionFixture('lib', '1.0.0', { base: '^1.0.0' }),
    versionFixture('base', '1.0.0'),
  ])
    await store.create(version);
  await storePlans(store, plans);
  // Resolving and planning dependencies never loads anything.
  const host = {} as ExtensionHost;
  return { store, steps: new InstallSteps({ store, host, kernelVersion: '1.0.0', secrets: new ConfigSecrets(store) }) };
}

describe(`${InstallSteps.name} dependencies`, () => {
  it('creates auto-installed plans, what needs one first, each recording what asked for it', async () => {
    const { store, steps: s } = await steps([planFixture('app', { installed: false })]);
    const created: string[] = [];
    const create = store.create.bind(store);
    store.create = (object) => {
      created.push(object.metadata.name);
      return create(object);
    };
    const progress = await s.ensureDependencies(APP);
    assert.deepEqual(progress, { waiting: ['base@1.0.0', 'lib@1.0.0'], created: ['base', 'lib'] });
    const lib = (await store.get(planRef('lib'))) as InstallPlan;
    const base = (await store.get(planRef('base'))) as InstallPlan;
    assert.equal(lib.metadata.labels?.[AUTO_INSTALLED_LABEL], 'true');
    assert.equal(lib.metadata.annotations?.[REQUIRED_BY_ANNOTATION], 'app');
    assert.equal(base.metadata.annotations?.[REQUIRED_BY_ANNOTATION], 'lib');
    assert.deepEqual(created, ['lib', 'base'], 'lib first: base is never a plan nothing needs');
  });

  it('adds a dependant to an auto-installed plan, and leaves a user’s plan unmarked', async () => {
    const { store, steps: s } = await steps([planFixture('lib', { autoFor: 'app' }), planFixture('base')]);
    const progress = await s.ensureDependencies(APP2);
    assert.deepEqual(progress, { waiting: [], created: [] });
    const lib = (await store.get(planRef('lib'))) as InstallPlan;
    assert.equal(lib.metadata.annotations?.[REQUIRED_BY_ANNOTATION], 'app,app2');
    const base = (await store.get(planRef('base'))) as InstallPlan;
    assert.deepEqual(base.metadata.labels, undefined);
    assert.deepEqual(base.metadata.annotations, undefined);
  });

  it('waits, without failing, for a plan of that name still being deleted', async () => {
    const { steps: s } = await steps([
      planFixture('lib', { autoFor: 'app', deleting: true }),
      planFixture('base', { autoFor: 'lib' }),
    ]);
    const progress = await s.ensureDependencies(APP);
    assert.deepEqual(progress.waiting, ['lib@1.0.0 (its previous plan is still being deleted)']);
    assert.deepEqual(progress.created, []);
  });
});

describe(`${InstallSteps.name} dependents`, () => {
  it('names installed extensions whose version depends on it, skipping versions whose metadata is gone', async () => {
    const { steps: s } = await steps([planFixture('app'), planFixture('lib'), planFixture('gone')]);
    assert.deepEqual(await s.dependents('lib'), ['app']);
  });

  it('fails rather than answer "none" when the store fails', async () => {
    const { store, steps: s } = await steps([planFixture('app'), planFixture('lib')]);
    store.get = () => Promise.reject(new Error('the store is unreachable'));
    await assert.rejects(s.dependents('lib'), /the store is unreachable/);
  });
});
