import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExtensionVersion, Repository } from '@mortise/api';
import { ExtensionVersionRef, RepositoryRef, registryPaths } from '@mortise/registry';
import { passwordLogin, startTestKernel, type CallOptions, type TestKernel } from '../testing/kernel-fixture.js';
import { createUser } from '../testing/identity.js';

const MARKETPLACE = '/kapis/extensions.mortise.io/v1/marketplace';
const API_KEYS = '/kapis/iam.mortise.io/v1/apikeys';

const as = (credential: string, options: CallOptions = {}): CallOptions => ({
  ...options,
  headers: { ...options.headers, authorization: `Bearer ${credential}` },
});

async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('registry: local repository and marketplace', () => {
  let k: TestKernel;
  let dataDir: string;
  let userToken: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mortise-registry-e2e-'));
    k = await startTestKernel({ config: { dataDir, registry: {} } });
    await createUser(k, 'reader');
    userToken = await passwordLogin(k.url, 'reader', 'correct horse');
  });
  after(async () => {
    await k.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('seeds the local repository with the signed samples and syncs it on a fresh data dir', async () => {
    interface Item {
      name: string;
      recommendedVersion?: string;
      versions: string[];
      provider?: string;
    }
    const items = await eventually(async () => {
      const res = await k.call('GET', MARKETPLACE);
      const found = (res.body?.items ?? []) as Item[];
      const names = found.map((item) => item.name);
      return names.includes('announcements') && names.includes('remote-notes') ? found : undefined;
    });
    const announcements = items.find((item) => item.name === 'announcements');
    assert.equal(announcements?.recommendedVersion, '1.0.0');
    assert.deepEqual(announcements?.versions, ['1.0.0']);
    assert.equal(announcements?.provider, 'Mortise samples');
    const local = (await k.kernel.store.get({ ...RepositoryRef, name: 'local' })) as Repository;
    assert.equal(local.status?.conditions?.[0]?.reason, 'Synced');
    assert.ok(local.status?.lastSyncTime);
    assert.match(await readFile(registryPaths(dataDir).publisherPublicKey, 'utf8'), /BEGIN PUBLIC KEY/);
  });

  it('downloads, verifies and unpacks a seeded package offline, trusted through the local publisher key', async () => {
    const version = (await k.kernel.store.get({
      ...ExtensionVersionRef,
      name: 'announcements-1.0.0',
    })) as ExtensionVersion;
    assert.match(version.spec.location ?? '', /^file:\/\//);
    const ensured = await k.kernel.registry.packages.ensure(version);
    assert.equal(ensured.manifest.name, 'announcements');
    assert.equal(ensured.directory, join(registryPaths(dataDir).packages, (version.spec.digest ?? '').slice(7)));
    assert.match(await readFile(join(ensured.directory, 'dist/index.js'), 'utf8'), /defineExtension/);
  });

  it('details a version: kernel range, readme, changelog, digest', async () => {
    const res = await k.call('GET', `${MARKETPLACE}/announcements`);
    assert.equal(res.status, 200, res.text);
    const [details] = res.body.details;
    assert.equal(details.version, '1.0.0');
    assert.equal(details.kernel, '>=0.1.0');
    assert.match(details.readme, /in-process extension/);
    assert.match(details.digest, /^sha256:/);
    assert.equal((await k.call('GET', `${MARKETPLACE}/nope`)).status, 404);
  });

  it('needs a credential, lets every user browse, and holds a narrowed API key to its rules', async () => {
    assert.equal((await k.call('GET', MARKETPLACE, { anonymous: true })).status, 401);
    assert.equal((await k.call('GET', `${MARKETPLACE}/announcements`, { anonymous: true })).status, 401);
    const asUser = await k.call('GET', `${MARKETPLACE}?q=notes`, as(userToken));
    assert.equal(asUser.status, 200, asUser.text);
    assert.deepEqual(
      asUser.body.items.map((item: { name: string }) => item.name),
      ['remote-notes'],
    );
    assert.equal((await k.call('GET', `${MARKETPLACE}/remote-notes`, as(userToken))).status, 200);
    const key = await k.call(
      'POST',
      API_KEYS,
      as(userToken, {
        body: {
          metadata: { name: 'users-only' },
          spec: { rules: [{ apiGroups: ['iam.mortise.io'], resources: ['users'], verbs: ['get'] }] },
        },
      }),
    );
    assert.equal(key.status, 201, key.text);
    const denied = await k.call('GET', MARKETPLACE, as(key.body.status.secret as string));
    assert.equal(denied.status, 403, denied.text);
    assert.equal(denied.body.reason, 'Forbidden');
    assert.equal((await k.call('GET', `${MARKETPLACE}?sort=size`)).status, 400);
  });
});
