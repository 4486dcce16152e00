import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Extension, ExtensionVersion, Repository } from '@mortise/api';
import { MemoryStore } from '@mortise/store';
import { generatePublisherKey, type TrustPolicy } from '../package/publisher-key.js';
import { fileUrl, publishReleases, repositoryObject } from '../testing/repository-fixture.js';
import {
  ExtensionRef,
  ExtensionVersionRef,
  InstallPlanRef,
  RepositoryRef,
  SYNC_REQUEST_ANNOTATION,
} from './catalogue-names.js';
import { DirectorySecretSource } from './repository-access.js';
import { forgetRepository, syncRepository, type RepositorySyncOptions } from './repository-sync.js';
import { RepositorySyncController } from './repository-sync.controller.js';
import { writeIndex, readIndex } from './publish-to-repository.js';

const publisher = generatePublisherKey();
const stranger = generatePublisherKey();
const policy: TrustPolicy = { trustedKeys: [{ publicKeyPem: publisher.publicKeyPem }], allowUnsigned: false };
const KERNEL = '0.1.0';

let work: string;
let repoDir: string;
let store: MemoryStore;

function options(extra: Partial<RepositorySyncOptions> = {}): RepositorySyncOptions {
  return { store, kernelVersion: KERNEL, policy, ...extra };
}

async function versionNames(): Promise<string[]> {
  return (await store.list(ExtensionVersionRef)).items.map((item) => item.metadata.name).sort();
}

async function extension(name: string): Promise<Extension> {
  return await store.get({ ...ExtensionRef, name });
}

async function repository(name: string): Promise<Repository> {
  return (await store.get({ ...RepositoryRef, name })) as Repository;
}

function readyOf(repo: Repository) {
  return repo.status?.conditions?.find((condition) => condition.type === 'Ready');
}

describe('repository sync', () => {
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'mortise-sync-spec-'));
    repoDir = join(work, 'repo');
    await publishReleases(
      work,
      repoDir,
      [
        { name: 'alpha', version: '1.0.0', kernel: '>=0.1.0', displayName: 'Alpha', category: 'tools' },
        { name: 'alpha', version: '1.1.0', kernel: '>=0.1.0 <1.0.0', displayName: 'Alpha', category: 'tools' },
        { name: 'alpha', version: '2.0.0+build.7', kernel: '>=9.0.0', displayName: 'Alpha 2', category: 'tools' },
        { name: 'beta', version: '0.1.0', provider: 'Beta Corp' },
      ],
      publisher,
    );
  });
  after(async () => rm(work, { recursive: true, force: true }));
  beforeEach(() => {
    store = new MemoryStore();
  });

  it('creates ExtensionVersions and Extensions from a file:// index and reports the sync', async () => {
    await store.create(repositoryObject('local', fileUrl(repoDir)));
    const result = await syncRepository(options(), 'local');
    assert.equal(result?.ok, true);
    assert.deepEqual(await versionNames(), ['alpha-1.0.0', 'alpha-1.1.0', 'alpha-2.0.0-build.7', 'beta-0.1.0']);
    const version = (await store.get({ ...ExtensionVersionRef, name: 'alpha-1.1.0' })) as ExtensionVersion;
    assert.equal(version.spec.name, 'alpha');
    assert.match(version.spec.digest ?? '', /^sha256:/);
    assert.equal(version.spec.location, fileUrl(join(repoDir, 'packages/alpha-1.1.0.tgz')));
    assert.equal(version.spec.readme, '# Alpha\n');
    assert.equal(version.spec.publisher, publisher.keyId);
    const alpha = await extension('alpha');
    assert.equal(alpha.spec?.displayName, 'Alpha 2');
    assert.deepEqual(
      alpha.status?.versions?.map((v) => v.version),
      ['2.0.0+build.7', '1.1.0', '1.0.0'],
    );
    assert.equal(alpha.status?.recommendedVersion, '1.1.0');
    const repo = await repository('local');
    assert.ok(repo.status?.lastSyncTime);
    assert.equal(readyOf(repo)?.status, 'True');
    assert.equal(readyOf(repo)?.reason, 'Synced');
  });

  it('skips an unchanged repository, and syncs in full when the index, trust, kernel or a sync request changes', async () => {
    const dir = join(work, 'digest');
    await cp(repoDir, dir, { recursive: true });
    await store.create(repositoryObject('digest', fileUrl(dir)));
    const unchanged = async (extra: Partial<RepositorySyncOptions> = {}) => {
      const result = await syncRepository(options(extra), 'digest');
      assert.equal(result?.ok, true);
      return result.ok && result.unchanged;
    };
    assert.equal(await unchanged(), false);
    const digest = (await repository('digest')).status?.indexDigest;
    assert.match(digest ?? '', /^sha256:[a-f0-9]{64}$/);
    const message = readyOf(await repository('digest'))?.message;
    // A version removed behind the registry's back shows whether a sync applied the index.
    await store.delete({ ...ExtensionVersionRef, name: 'beta-0.1.0' });
    assert.equal(await unchanged(), true);
    assert.equal(readyOf(await repository('digest'))?.message, message);
    assert.ok(!(await versionNames()).includes('beta-0.1.0'));
    const restored = async (): Promise<void> => {
      assert.ok((await versionNames()).includes('beta-0.1.0'));
      await store.delete({ ...ExtensionVersionRef, name: 'beta-0.1.0' });
    };
    assert.equal(await unchanged({ kernelVersion: '0.2.0' }), false);
    await restored();
    assert.equal(await unchanged({ kernelVersion: '0.2.0' }), true);
    const widened = { ...policy, trustedKeys: [...policy.trustedKeys, { publicKeyPem: stranger.publicKeyPem }] };
    assert.equal(await unchanged({ kernelVersion: '0.2.0', policy: widened }), false);
    await restored();
    await store.patch(
      { ...RepositoryRef, name: 'digest' },
      { type: 'merge', patch: { metadata: { annotations: { [SYNC_REQUEST_ANNOTATION]: 'now' } } } },
    );
    assert.equal(await unchanged({ kernelVersion: '0.2.0', policy: widened }), false);
    await restored();
    await writeIndex(dir, await readIndex(dir), { signingKey: publisher, now: new Date(0) });
    assert.equal(await unchanged({ kernelVersion: '0.2.0', policy: widened }), false);
    assert.ok((await versionNames()).includes('beta-0.1.0'));
  });

  it('keeps only the newest `depth` versions, and leaves the install controller its status fields', async () => {
    await store.create(repositoryObject('local', fileUrl(repoDir)));
    await syncRepository(options(), 'local');
    await store.patch(
      { ...ExtensionRef, name: 'alpha' },
      { type: 'merge', patch: { status: { installedVersion: '1.0.0', state: 'Installed' } } },
      { subresource: 'status' },
    );
    await store.patch({ ...RepositoryRef, name: 'local' }, { type: 'merge', patch: { spec: { depth: 1 } } });
    await syncRepository(options(), 'local');
    assert.deepEqual(await versionNames(), ['alpha-2.0.0-build.7', 'beta-0.1.0']);
    const alpha = await extension('alpha');
    assert.equal(alpha.status?.recommendedVersion, undefined);
    assert.equal(alpha.status?.installedVersion, '1.0.0');
    assert.equal(alpha.status?.state, 'Installed');
  });

  it('removes versions that leave the index unless an InstallPlan names them', async () => {
    const dir = join(work, 'shrinking');
    await cp(repoDir, dir, { recursive: true });
    await store.create(repositoryObject('shrinking', fileUrl(dir)));
    await syncRepository(options(), 'shrinking');
    await store.create({
      apiVersion: 'extensions.mortise.io/v1',
      kind: 'InstallPlan',
      metadata: { name: 'alpha' },
      spec: { extension: { name: 'alpha', version: '1.0.0' } },
    });
    const index = await readIndex(dir);
    index.extensions = index.extensions
      .filter((e) => e.name === 'alpha')
      .map((e) => ({ ...e, versions: e.versions.filter((v) => v.version === '2.0.0+build.7') }));
    await writeIndex(dir, index, { signingKey: publisher });
    const result = await syncRepository(options(), 'shrinking');
    assert.equal(result?.ok && result.change.keptInstalled, 1);
    assert.deepEqual(await versionNames(), ['alpha-1.0.0', 'alpha-2.0.0-build.7']);
    // Uninstalling alpha 1.0.0 must let the next sync remove it, though the index is the same.
    assert.equal((await repository('shrinking')).status?.indexDigest, undefined);
    const again = await syncRepository(options(), 'shrinking');
    assert.equal(again?.ok && again.unchanged, false);
    await assert.rejects(store.get({ ...ExtensionRef, name: 'beta' }), { name: 'NotFoundError' });
    await store.delete({ ...InstallPlanRef, name: 'alpha' });
    await forgetRepository(options(), 'shrinking');
    assert.deepEqual(await versionNames(), []);
  });

  const failures: Array<{ name: string; setup: () => Promise<string>; reason: string; message: RegExp }> = [
    {
      name: 'unreachable',
      setup: () => Promise.resolve(fileUrl(join(work, 'missing'))),
      reason: 'Unreachable',
      message: /does not exist/,
    },
    {
      name: 'a bad index',
      setup: async () => {
        const dir = await mkdtemp(join(work, 'bad-index-'));
        await writeFile(
          join(dir, 'index.json'),
          JSON.stringify({
            apiVersion: 'extensions.mortise.io/v1',
            kind: 'RepositoryIndex',
            extensions: [{ name: 'x' }],
          }),
        );
        return fileUrl(dir);
      },
      reason: 'BadIndex',
      message: /versions/,
    },
    {
      name: 'an index signed by an untrusted key',
      setup: async () => {
        const dir = await mkdtemp(join(work, 'stranger-'));
        await writeIndex(dir, await readIndex(repoDir), { signingKey: stranger });
        return fileUrl(dir);
      },
      reason: 'BadSignature',
      message: /not a trusted publisher key/,
    },
    {
      name: 'an index changed after signing',
      setup: async () => {
        const dir = await mkdtemp(join(work, 'tampered-'));
        await cp(repoDir, dir, { recursive: true });
        const text = await readFile(join(dir, 'index.json'), 'utf8');
        await writeFile(join(dir, 'index.json'), text.replace('Beta Corp', 'Evil Corp'));
        return fileUrl(dir);
      },
      reason: 'BadSignature',
      message: /does not match/,
    },
  ];
  for (const { name, setup, reason, message } of failures) {
    it(`reports ${name} as Ready=False/${reason} and keeps the catalogue`, async () => {
      await store.create(repositoryObject('good', fileUrl(repoDir)));
      await syncRepository(options(), 'good');
      await store.create(repositoryObject('bad', await setup()));
      const before = await versionNames();
      const result = await syncRepository(options(), 'bad');
      assert.equal(result?.ok, false);
      const ready = readyOf(await repository('bad'));
      assert.equal(ready?.status, 'False');
      assert.equal(ready?.reason, reason);
      assert.match(ready?.message ?? '', message);
      assert.equal((await repository('bad')).status?.lastSyncTime, undefined);
      assert.deepEqual(await versionNames(), before);
    });
  }

  describe('over http', () => {
    let server: Server;
    let url: string;
    const credentials = `Basic ${Buffer.from('reader:s3cret').toString('base64')}`;
    before(async () => {
      server = createServer((request, response) => {
        if (request.headers.authorization !== credentials) {
          response.writeHead(401).end();
          return;
        }
        serveFile(repoDir, request, response);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      await mkdir(join(work, 'secrets/repo-auth'), { recursive: true });
      await writeFile(join(work, 'secrets/repo-auth/username'), 'reader\n');
      await writeFile(join(work, 'secrets/repo-auth/password'), 's3cret\n');
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('syncs with basic auth from a secret and resolves locations against the server', async () => {
      await store.create(repositoryObject('remote', url, { basicAuth: { secretRef: { name: 'repo-auth' } } }));
      const result = await syncRepository(
        options({ secrets: new DirectorySecretSource(join(work, 'secrets')) }),
        'remote',
      );
      assert.equal(result?.ok, true);
      const version = (await store.get({ ...ExtensionVersionRef, name: 'beta-0.1.0' })) as ExtensionVersion;
      assert.equal(version.spec.location, `${url}packages/beta-0.1.0.tgz`);
    });

    it('reports a refused login as Unreachable without the credentials', async () => {
      await writeFile(join(work, 'secrets/wrong/password'), 'nope').catch(async () => {
        await mkdir(join(work, 'secrets/wrong'), { recursive: true });
        await writeFile(join(work, 'secrets/wrong/password'), 'nope');
      });
      await writeFile(join(work, 'secrets/wrong/username'), 'reader');
      await store.create(repositoryObject('remote', url, { basicAuth: { secretRef: { name: 'wrong' } } }));
      await syncRepository(options({ secrets: new DirectorySecretSource(join(work, 'secrets')) }), 'remote');
      const ready = readyOf(await repository('remote'));
      assert.equal(ready?.reason, 'Unreachable');
      assert.match(ready?.message ?? '', /401/);
      assert.doesNotMatch(JSON.stringify(await repository('remote')), /nope|s3cret/);
    });
  });

  describe('over https', { skip: spawnSync('openssl', ['version']).status !== 0 && 'needs the openssl binary' }, () => {
    let server: ReturnType<typeof createTlsServer>;
    let url: string;
    let ca: string;
    before(async () => {
      const dir = await mkdtemp(join(work, 'tls-'));
      const made = spawnSync('openssl', [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ]);
      assert.equal(made.status, 0, made.stderr.toString());
      ca = await readFile(join(dir, 'cert.pem'), 'utf8');
      server = createTlsServer({ key: await readFile(join(dir, 'key.pem')), cert: ca }, (request, response) => {
        serveFile(repoDir, request, response);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('trusts the server only through the repository caBundle', async () => {
      await store.create(repositoryObject('tls', url));
      assert.equal((await syncRepository(options(), 'tls'))?.ok, false);
      assert.equal(readyOf(await repository('tls'))?.reason, 'Unreachable');
      await store.patch({ ...RepositoryRef, name: 'tls' }, { type: 'merge', patch: { spec: { caBundle: ca } } });
      const result = await syncRepository(options(), 'tls');
      assert.equal(result?.ok, true, result?.ok === false ? result.message : '');
      assert.equal(readyOf(await repository('tls'))?.reason, 'Synced');
    });
  });

  describe(RepositorySyncController.name, () => {
    it('syncs again every pollInterval', async () => {
      let synced = 0;
      const controller = new RepositorySyncController({
        ...options(),
        minPollIntervalMs: 0,
        onSynced: () => synced++,
      });
      await controller.start();
      try {
        await store.create(repositoryObject('polled', fileUrl(repoDir), { pollInterval: '20ms' }));
        await waitFor(() => synced >= 3);
      } finally {
        await controller.stop();
      }
      const after = synced;
      await new Promise((resolve) => setTimeout(resolve, 60));
      assert.equal(synced, after, 'no sync after stop');
    });

    it('syncs on create and when the sync annotation changes, but not on its own status writes', async () => {
      const synced: string[] = [];
      const controller = new RepositorySyncController({
        ...options(),
        onSynced: (result) => synced.push(result.repository),
      });
      await controller.start();
      try {
        await store.create(repositoryObject('watched', fileUrl(repoDir)));
        await waitFor(() => synced.length === 1);
        assert.deepEqual(await versionNames(), ['alpha-1.0.0', 'alpha-1.1.0', 'alpha-2.0.0-build.7', 'beta-0.1.0']);
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(synced.length, 1);
        await store.patch(
          { ...RepositoryRef, name: 'watched' },
          { type: 'merge', patch: { metadata: { annotations: { [SYNC_REQUEST_ANNOTATION]: 'now' } } } },
        );
        await waitFor(() => synced.length === 2);
        await store.delete({ ...RepositoryRef, name: 'watched' });
        await waitFor(async () => (await versionNames()).length === 0);
      } finally {
        await controller.stop();
      }
    });
  });
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Answers with the file under `root` the request path names, or 404. */
function serveFile(root: string, request: IncomingMessage, response: ServerResponse): void {
  const path = normalize(join(root, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)));
  readFile(path).then(
    (data) => response.writeHead(200).end(data),
    () => response.writeHead(404).end(),
  );
}
