import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ExtensionVersion } from '@mortise/api';
import { newestFitting, resolveDependencies, type DependencyCatalog } from './dependency-resolver.js';

function version(name: string, v: string, extra: Partial<ExtensionVersion['spec']> = {}): ExtensionVersion {
  return {
    apiVersion: 'extensions.mortise.io/v1',
    kind: 'ExtensionVersion',
    metadata: { name: `${name}-${v}` },
    spec: { name, version: v, ...extra },
  };
}

function catalog(versions: ExtensionVersion[], planned: Record<string, string> = {}): DependencyCatalog {
  return {
    versionsOf: async (name) => versions.filter((v) => v.spec.name === name),
    plannedVersion: async (name) => planned[name],
  };
}

describe(resolveDependencies.name, () => {
  it('orders dependencies before what needs them, picking the newest version in range', async () => {
    const all = [
      version('base', '1.0.0'),
      version('base', '1.3.0'),
      version('base', '2.0.0'),
      version('lib', '1.0.0', { dependencies: { base: '^1.0.0' } }),
    ];
    const order = await resolveDependencies(
      { name: 'app', version: '1.0.0', dependencies: { lib: '^1.0.0' } },
      catalog(all),
      '1.0.0',
    );
    assert.deepEqual(order, [
      { name: 'base', version: '1.3.0', planned: false, dependant: 'lib' },
      { name: 'lib', version: '1.0.0', planned: false, dependant: 'app' },
    ]);
  });

  it('skips versions outside the kernel range', async () => {
    const all = [version('base', '1.0.0'), version('base', '1.1.0', { kernel: '>=5.0.0' })];
    const order = await resolveDependencies(
      { name: 'app', version: '1.0.0', dependencies: { base: '^1' } },
      catalog(all),
      '1.0.0',
    );
    assert.equal(order[0]?.version, '1.0.0');
    assert.equal(newestFitting(all, '5.0.0')?.spec.version, '1.1.0');
  });

  it('names the whole chain of a cycle', async () => {
    const all = [
      version('b', '1.0.0', { dependencies: { c: '1.x' } }),
      version('c', '1.0.0', { dependencies: { a: '*' } }),
    ];
    await assert.rejects(
      resolveDependencies({ name: 'a', version: '1.0.0', dependencies: { b: '^1' } }, catalog(all), '1.0.0'),
      /dependency cycle: a@1\.0\.0 → b@1\.0\.0 → c@1\.0\.0 → a/,
    );
  });

  it('refuses two ranges no version satisfies, naming both chains', async () => {
    const all = [
      version('base', '1.0.0'),
      version('base', '2.0.0'),
      version('old', '1.0.0', { dependencies: { base: '^1.0.0' } }),
      version('new', '1.0.0', { dependencies: { base: '^2.0.0' } }),
    ];
    await assert.rejects(
      resolveDependencies(
        { name: 'app', version: '1.0.0', dependencies: { old: '*', new: '*' } },
        catalog(all),
        '1.0.0',
      ),
      /dependency conflict: app@1\.0\.0 → new@1\.0\.0 → base@\^2\.0\.0, but app@1\.0\.0 → old@1\.0\.0 → base@\^1\.0\.0 needs base 1\.0\.0/,
    );
  });

  it('keeps what is planned, and refuses when it does not satisfy', async () => {
    const all = [version('base', '1.0.0'), version('base', '2.0.0')];
    const ok = await resolveDependencies(
      { name: 'app', version: '1.0.0', dependencies: { base: '^1' } },
      catalog(all, { base: '1.0.0' }),
      '1.0.0',
    );
    assert.deepEqual(ok, [{ name: 'base', version: '1.0.0', planned: true, dependant: 'app' }]);
    await assert.rejects(
      resolveDependencies(
        { name: 'app', version: '1.0.0', dependencies: { base: '^2' } },
        catalog(all, { base: '1.0.0' }),
        '1.0.0',
      ),
      /base 1\.0\.0 is installed or planned/,
    );
  });

  it('says what is available when nothing satisfies a range', async () => {
    await assert.rejects(
      resolveDependencies(
        { name: 'app', version: '1.0.0', dependencies: { base: '^3' } },
        catalog([version('base', '1.0.0')]),
        '1.0.0',
      ),
      /missing dependency: app@1\.0\.0 → base@\^3: .*available: 1\.0\.0/,
    );
  });
});
