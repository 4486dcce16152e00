import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Repository } from '@mortise/api';
import { MemoryStore } from '@mortise/store';
import { versionFixture } from '../testing/install-plan-fixture.js';
import { REPOSITORY_LABEL } from './catalogue-names.js';
import { versionAccess } from './repository-access.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function repository(name: string): Repository {
  return {
    apiVersion: 'extensions.mortise.io/v1',
    kind: 'Repository',
    metadata: { name },
    spec: { url: 'https://charts.example.com/index.yaml', caBundle: CA },
  };
}

function versionFrom(repositoryName: string) {
  const version = versionFixture('app', '1.0.0');
  return { ...version, metadata: { ...version.metadata, labels: { [REPOSITORY_LABEL]: repositoryName } } };
}

describe('versionAccess', () => {
  it("fetches a version with its repository's access", async () => {
    const store = new MemoryStore();
    await store.create(repository('vendor'));
    assert.deepEqual(await versionAccess(store, versionFrom('vendor'), undefined), { caBundle: CA });
  });

  it('needs no access for a version of no repository, or of one since deleted', async () => {
    const store = new MemoryStore();
    assert.deepEqual(await versionAccess(store, versionFixture('app', '1.0.0'), undefined), {});
    assert.deepEqual(await versionAccess(store, versionFrom('deleted'), undefined), {});
  });

  it('fails when the store fails, instead of fetching without credentials', async () => {
    const store = new MemoryStore();
    await store.create(repository('vendor'));
    store.get = () => Promise.reject(new Error('the store is unreachable'));
    await assert.rejects(versionAccess(store, versionFrom('vendor'), undefined), /the store is unreachable/);
  });
});
