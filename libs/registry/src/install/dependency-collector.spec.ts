import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { InstallPlan } from '@mortise/api';
import { MemoryStore } from '@mortise/store';
import { planFixture, storePlans, versionFixture } from '../testing/install-plan-fixture.js';
import { DependencyCollector } from './dependency-collector.js';
import {
  AUTO_INSTALLED_LABEL,
  LEGACY_REQUIRED_BY_LABEL,
  REQUIRED_BY_ANNOTATION,
  UNINSTALL_REASON_ANNOTATION,
  planRef,
} from './install-plan-names.js';

const silent = { info: () => undefined, warn: () => undefined };

/** A store with the catalogue app → lib → base, other → base, and these plans. */
async function world(plans: InstallPlan[]): Promise<MemoryStore> {
  const store = new MemoryStore();
  for (const version of [
    versionFixture('app', '1.0.0', { lib: '^1.0.0' }),
    versionFixture('lib', '1.0.0', { base: '^1.0.0' }),
    versionFixture('base', '1.0.0'),
    versionFixture('other', '1.0.0', { base: '^1.0.0' }),
  ])
    await store.create(version);
  await storePlans(store, plans);
  return store;
}

/** One collector pass, as a leader that has just started. */
async function collect(store: MemoryStore, logged: string[] = []): Promise<void> {
  const collector = new DependencyCollector({
    store,
    logger: { ...silent, info: (bindings, message) => logged.push(`${message} ${JSON.stringify(bindings)}`) },
  });
  collector.start();
  await collector.idle();
  await collector.stop();
}

async function plan(store: MemoryStore, name: string): Promise<InstallPlan> {
  return (await store.get(planRef(name))) as InstallPlan;
}

describe(DependencyCollector.name, () => {
  it('deletes an auto-installed plan nothing needs, saying why, and logs it', async () => {
    const store = await world([planFixture('lib', { autoFor: 'app' }), planFixture('base', { autoFor: 'lib' })]);
    const logged: string[] = [];
    await collect(store, logged);
    const lib = await plan(store, 'lib');
    assert.ok(lib.metadata.deletionTimestamp, 'deleted, held by its finalizer for the uninstall');
    assert.match(
      lib.metadata.annotations?.[UNINSTALL_REASON_ANNOTATION] ?? '',
      /auto-installed for app, and no installed extension depends on it any more/,
    );
    assert.match(logged.join('\n'), /uninstalling an unneeded dependency .*"extension":"lib"/);
    assert.equal((await plan(store, 'base')).metadata.deletionTimestamp, undefined, 'lib, being uninstalled, holds it');
  });

  it('unwinds a chain once each link is gone', async () => {
    const store = await world([planFixture('lib', { autoFor: 'app' }), planFixture('base', { autoFor: 'lib' })]);
    await collect(store);
    const lib = await plan(store, 'lib');
    await store.update({ ...lib, metadata: { ...lib.metadata, finalizers: [] } }); // the controller uninstalled it
    await collect(store);
    assert.ok((await plan(store, 'base')).metadata.deletionTimestamp);
  });

  it('keeps an auto-installed plan another plan still needs, and records which', async () => {
    const store = await world([
      planFixture('other'),
      planFixture('lib', { autoFor: 'app' }),
      planFixture('base', { autoFor: 'app' }),
    ]);
    await collect(store);
    const base = await plan(store, 'base');
    assert.equal(base.metadata.deletionTimestamp, undefined);
    assert.equal(base.metadata.annotations?.[REQUIRED_BY_ANNOTATION], 'lib,other');
    assert.ok((await plan(store, 'lib')).metadata.deletionTimestamp);
  });

  it('never deletes a plan a user created', async () => {
    const store = await world([planFixture('lib'), planFixture('base')]);
    await collect(store);
    assert.equal((await plan(store, 'lib')).metadata.deletionTimestamp, undefined);
    assert.equal((await plan(store, 'base')).metadata.deletionTimestamp, undefined);
  });

  it('marks plans of the old required-by label: unedited ones as auto-installed, edited ones as a user’s', async () => {
    const legacy = (name: string, dependant: string): InstallPlan => ({
      ...planFixture(name),
      metadata: { ...planFixture(name).metadata, labels: { [LEGACY_REQUIRED_BY_LABEL]: dependant } },
    });
    const store = await world([legacy('lib', 'app'), legacy('base', 'lib')]);
    const base = await plan(store, 'base');
    await store.update({ ...base, spec: { ...base.spec, enabled: false } });
    await collect(store);
    const lib = await plan(store, 'lib');
    assert.equal(lib.metadata.labels?.[AUTO_INSTALLED_LABEL], 'true');
    assert.ok(lib.metadata.deletionTimestamp, 'then collected: nothing needs it');
    const edited = await plan(store, 'base');
    assert.deepEqual(edited.metadata.labels, {});
    assert.equal(edited.metadata.deletionTimestamp, undefined);
  });
});
