import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore } from '@mortise/store';
import { generatePublisherKey } from '../package/publisher-key.js';
import { ExtensionRef } from '../repository/catalogue-names.js';
import { publishToRepository } from '../repository/publish-to-repository.js';
import { syncRepository } from '../repository/repository-sync.js';
import { fileUrl, publishReleases, repositoryObject } from '../testing/repository-fixture.js';
import { Marketplace } from './marketplace.js';

const publisher = generatePublisherKey();
let work: string;
let store: MemoryStore;
let marketplace: Marketplace;

describe(Marketplace.name, () => {
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'mortise-marketplace-spec-'));
    const repo = join(work, 'repo');
    const releases = [
      {
        name: 'logging',
        version: '1.0.0',
        displayName: 'Logging',
        provider: 'Acme',
        category: 'observability',
        keywords: ['loki'],
      },
      {
        name: 'alerts',
        version: '0.3.0',
        displayName: 'Alerts',
        provider: 'Zeta',
        category: 'observability',
        description: 'Pages people',
      },
      {
        name: 'devops',
        version: '2.1.0',
        displayName: 'DevOps',
        provider: 'Acme',
        category: 'ci',
        kernel: '>=0.1.0',
        dependencies: { logging: '^1.0.0' },
        permissions: [{ apiGroups: ['tenant.mortise.io'], resources: ['projects'], verbs: ['get'] }],
      },
      { name: 'devops', version: '2.0.0', displayName: 'DevOps', provider: 'Acme', category: 'ci' },
    ];
    const dates = ['2026-01-01', '2026-03-01', '2026-02-01', '2025-12-01'];
    const built = await publishReleases(work, join(work, 'staging'), releases, publisher);
    for (const [i, result] of built.entries()) {
      await publishToRepository(repo, join(work, 'staging', result.location), {
        signingKey: publisher,
        now: new Date(dates[i] ?? ''),
      });
    }
    store = new MemoryStore();
    await store.create(repositoryObject('acme', fileUrl(repo)));
    const synced = await syncRepository(
      { store, kernelVersion: '0.1.0', policy: { trustedKeys: [publisher], allowUnsigned: false } },
      'acme',
    );
    assert.equal(synced?.ok, true);
    await store.patch(
      { ...ExtensionRef, name: 'devops' },
      { type: 'merge', patch: { status: { installedVersion: '2.0.0', state: 'Installed' } } },
      { subresource: 'status' },
    );
    marketplace = new Marketplace(store);
  });
  after(async () => rm(work, { recursive: true, force: true }));

  const names = async (query: Parameters<Marketplace['search']>[0]) =>
    (await marketplace.search(query)).items.map((i) => i.name);

  it('lists every extension with its versions, recommendation and install state, by name', async () => {
    const { items } = await marketplace.search();
    assert.deepEqual(
      items.map((i) => i.name),
      ['alerts', 'devops', 'logging'],
    );
    const devops = items.find((i) => i.name === 'devops');
    assert.deepEqual(devops?.versions, ['2.1.0', '2.0.0']);
    assert.equal(devops?.recommendedVersion, '2.1.0');
    assert.equal(devops?.installedVersion, '2.0.0');
    assert.equal(devops?.state, 'Installed');
    assert.equal(devops?.updated, '2026-02-01T00:00:00.000Z');
  });

  it('searches text in names, descriptions and keywords, and filters by category and provider', async () => {
    assert.deepEqual(await names({ q: 'LOKI' }), ['logging']);
    assert.deepEqual(await names({ q: 'pages' }), ['alerts']);
    assert.deepEqual(await names({ category: 'Observability' }), ['alerts', 'logging']);
    assert.deepEqual(await names({ provider: 'acme' }), ['devops', 'logging']);
    assert.deepEqual(await names({ provider: 'acme', category: 'ci', q: 'dev' }), ['devops']);
  });

  it('sorts by newest update and by provider', async () => {
    assert.deepEqual(await names({ sort: '-updated' }), ['alerts', 'devops', 'logging']);
    assert.deepEqual(await names({ sort: 'provider' }), ['devops', 'logging', 'alerts']);
    await assert.rejects(marketplace.search({ sort: 'size' as never }), { name: 'BadRequestError' });
  });

  it('details every version: kernel range, dependencies, permissions, readme, changelog, digest', async () => {
    const entry = await marketplace.details('devops');
    assert.deepEqual(
      entry.details.map((d) => d.version),
      ['2.1.0', '2.0.0'],
    );
    const [latest] = entry.details;
    assert.equal(latest?.kernel, '>=0.1.0');
    assert.deepEqual(latest?.dependencies, { logging: '^1.0.0' });
    assert.deepEqual(latest?.permissions, [
      { apiGroups: ['tenant.mortise.io'], resources: ['projects'], verbs: ['get'] },
    ]);
    assert.equal(latest?.readme, '# DevOps\n');
    assert.equal(latest?.changelog, '## 2.1.0\n');
    assert.match(latest?.digest ?? '', /^sha256:/);
    await assert.rejects(marketplace.details('nope'), { name: 'NotFoundError' });
  });
});
