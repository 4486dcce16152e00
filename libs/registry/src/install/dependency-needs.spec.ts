import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planFixture } from '../testing/install-plan-fixture.js';
import { autoInstalledNeeds, versionsHeldBy, type DependenciesOf } from './dependency-needs.js';

/** `name@version` → dependency names; anything else is unreadable. */
function manifests(known: Record<string, string[]>): DependenciesOf {
  return async (name, version) => known[`${name}@${version}`];
}

const CATALOG = manifests({
  'app@1.0.0': ['lib'],
  'app@2.0.0': [],
  'lib@1.0.0': ['base'],
  'base@1.0.0': [],
  'other@1.0.0': ['base'],
});

describe(autoInstalledNeeds.name, () => {
  it('names the plans whose versions declare an auto-installed plan, and judges only auto-installed ones', async () => {
    const needs = await autoInstalledNeeds(
      [planFixture('app'), planFixture('lib', { autoFor: 'app' }), planFixture('base')],
      CATALOG,
    );
    assert.deepEqual(
      needs.map((n) => [n.plan.metadata.name, n.requiredBy]),
      [['lib', ['app']]],
    );
  });

  it('finds nothing needing an auto-installed plan once its dependant is gone', async () => {
    const needs = await autoInstalledNeeds(
      [planFixture('lib', { autoFor: 'app' }), planFixture('base', { autoFor: 'lib' })],
      CATALOG,
    );
    assert.deepEqual(
      needs.map((n) => [n.plan.metadata.name, n.requiredBy]),
      [
        ['lib', []],
        ['base', ['lib']],
      ],
      'one link of a chain at a time: base waits until lib is gone',
    );
  });

  it('keeps what a dependant still being uninstalled, or not installed yet, holds on to', async () => {
    const uninstalling = planFixture('app', { deleting: true });
    const pending = planFixture('other', { installed: false });
    const needs = await autoInstalledNeeds(
      [
        uninstalling,
        pending,
        planFixture('lib', { autoFor: 'app' }),
        planFixture('base', { autoFor: 'other', installed: false }),
      ],
      CATALOG,
    );
    assert.deepEqual(
      needs.map((n) => n.requiredBy),
      [['app'], ['lib', 'other']],
    );
    const uninstalled = { ...uninstalling, status: { state: 'Uninstalled' as const } };
    const after = await autoInstalledNeeds([uninstalled, planFixture('lib', { autoFor: 'app' })], CATALOG);
    assert.deepEqual(after[0]?.requiredBy, [], 'an uninstalled plan being deleted holds nothing');
  });

  it('counts an upgrade that drops a dependency only once the old version is gone', async () => {
    const upgrading = planFixture('app', { version: '2.0.0' });
    upgrading.status = { state: 'Upgrading', version: '1.0.0', targetVersion: '2.0.0' };
    const lib = planFixture('lib', { autoFor: 'app' });
    assert.deepEqual((await autoInstalledNeeds([upgrading, lib], CATALOG))[0]?.requiredBy, ['app']);
    const upgraded = planFixture('app', { version: '2.0.0' });
    assert.deepEqual((await autoInstalledNeeds([upgraded, lib], CATALOG))[0]?.requiredBy, []);
  });

  it('takes a plan whose manifest cannot be read at the word recorded on the dependency', async () => {
    const unreadable = planFixture('legacy', { version: '9.9.9' });
    const needs = await autoInstalledNeeds(
      [unreadable, planFixture('lib', { autoFor: 'legacy' }), planFixture('base', { autoFor: 'app' })],
      CATALOG,
    );
    assert.deepEqual(
      needs.map((n) => [n.plan.metadata.name, n.requiredBy]),
      [
        ['lib', ['legacy']],
        ['base', ['lib']],
      ],
    );
  });

  it('ignores auto-installed plans already being deleted', async () => {
    assert.deepEqual(await autoInstalledNeeds([planFixture('lib', { autoFor: 'app', deleting: true })], CATALOG), []);
  });
});

describe(versionsHeldBy.name, () => {
  it('holds the installed, the target and (unless being deleted) the wanted version', () => {
    const plan = planFixture('app', { version: '3.0.0' });
    plan.status = { state: 'Upgrading', version: '1.0.0', targetVersion: '2.0.0' };
    assert.deepEqual(versionsHeldBy(plan), ['1.0.0', '2.0.0', '3.0.0']);
    plan.metadata.deletionTimestamp = new Date().toISOString();
    assert.deepEqual(versionsHeldBy(plan), ['1.0.0', '2.0.0']);
  });
});
