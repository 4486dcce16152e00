import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatePublisherKey } from '../package/publisher-key.js';
import { writeExtensionSource } from '../testing/extension-source.js';
import {
  loadOrCreatePublisherKey,
  readTrustedKeyDirectory,
  registryPaths,
  seedRepository,
} from './local-repository.js';
import { readIndex } from './publish-to-repository.js';

let work: string;

describe('local repository', () => {
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'mortise-local-repo-'));
  });
  after(async () => rm(work, { recursive: true, force: true }));

  it('creates the publisher key once, private to the owner, and loads the same key afterwards', async () => {
    const dataDir = join(work, 'data-key');
    const first = await loadOrCreatePublisherKey(dataDir);
    const again = await loadOrCreatePublisherKey(dataDir);
    assert.equal(again.keyId, first.keyId);
    assert.equal((await stat(registryPaths(dataDir).publisherKey)).mode & 0o777, 0o600);
    assert.equal(await readFile(registryPaths(dataDir).publisherPublicKey, 'utf8'), first.publicKeyPem);
  });

  it('trusts every *.pem of the trusted-keys directory under its file name', async () => {
    const dir = join(work, 'trusted');
    await mkdir(dir);
    const key = generatePublisherKey();
    await writeFile(join(dir, 'acme.pem'), key.publicKeyPem);
    await writeFile(join(dir, 'notes.txt'), 'ignored');
    assert.deepEqual(await readTrustedKeyDirectory(dir), [
      { keyId: key.keyId, publicKeyPem: key.publicKeyPem, name: 'acme' },
    ]);
    assert.deepEqual(await readTrustedKeyDirectory(join(work, 'absent')), []);
  });

  it('publishes each source once: a later start finds it listed and writes nothing', async () => {
    const key = generatePublisherKey();
    const repo = join(work, 'repo');
    const source = await writeExtensionSource(join(work, 'src-one'), { name: 'one', version: '1.0.0' });
    assert.deepEqual(await seedRepository(repo, [source], key), ['one@1.0.0']);
    const written = (await stat(join(repo, 'index.json'))).mtimeMs;
    assert.deepEqual(await seedRepository(repo, [source], key), []);
    assert.equal((await stat(join(repo, 'index.json'))).mtimeMs, written);
    assert.equal((await readIndex(repo)).extensions[0]?.versions[0]?.publisher, key.keyId);
  });

  it('writes a signed empty index when there is nothing to seed', async () => {
    const repo = join(work, 'empty');
    await seedRepository(repo, [], generatePublisherKey());
    assert.deepEqual((await readIndex(repo)).extensions, []);
    await stat(join(repo, 'index.json.sig'));
  });
});
