import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExtensionVersion } from '@mortise/api';
import { fileUrl, publishReleases } from '../testing/repository-fixture.js';
import { isPackageRejected } from './package-error.js';
import { PackageStore } from './package-store.js';
import { generatePublisherKey } from './publisher-key.js';

const publisher = generatePublisherKey();
let work: string;
let version: ExtensionVersion;

function versionAt(location: string, digest: string): ExtensionVersion {
  return {
    apiVersion: 'extensions.mortise.io/v1',
    kind: 'ExtensionVersion',
    metadata: { name: 'gamma-1.0.0' },
    spec: { name: 'gamma', version: '1.0.0', digest, location },
  };
}

describe(PackageStore.name, () => {
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'mortise-package-store-'));
    const [published] = await publishReleases(
      work,
      join(work, 'repo'),
      [{ name: 'gamma', version: '1.0.0' }],
      publisher,
    );
    assert.ok(published);
    version = versionAt(fileUrl(join(work, 'repo', published.location)), published.digest);
  });
  after(async () => rm(work, { recursive: true, force: true }));

  it('downloads, verifies and unpacks once per digest, safely under concurrent ensures', async () => {
    const dir = join(work, 'packages-concurrent');
    const stores = [0, 1, 2].map(
      () => new PackageStore({ directory: dir, policy: { trustedKeys: [publisher], allowUnsigned: false } }),
    );
    const results = await Promise.all(stores.flatMap((store) => [store.ensure(version), store.ensure(version)]));
    const hex = version.spec.digest?.slice('sha256:'.length) ?? '';
    for (const result of results) {
      assert.equal(result.directory, join(dir, hex));
      assert.equal(result.manifest.name, 'gamma');
    }
    assert.deepEqual(await readdir(dir), [hex]);
    assert.equal(await readFile(join(dir, hex, 'dist/index.js'), 'utf8'), 'export default {};\n');
  });

  it('uses what is unpacked without fetching again', async () => {
    const dir = join(work, 'packages-cached');
    const store = new PackageStore({ directory: dir, policy: { trustedKeys: [publisher], allowUnsigned: false } });
    await store.ensure(version);
    const gone = versionAt(fileUrl(join(work, 'nowhere.tgz')), version.spec.digest ?? '');
    assert.equal((await store.ensure(gone)).manifest.version, '1.0.0');
  });

  it('refuses a package whose digest is not the announced one, or whose publisher is not trusted', async () => {
    const dir = join(work, 'packages-refused');
    const trusting = new PackageStore({ directory: dir, policy: { trustedKeys: [publisher], allowUnsigned: false } });
    const wrong = versionAt(version.spec.location ?? '', `sha256:${'a'.repeat(64)}`);
    await assert.rejects(
      trusting.ensure(wrong),
      (error) => isPackageRejected(error) && error.rejection === 'DigestMismatch',
    );
    const distrusting = new PackageStore({ directory: dir, policy: { trustedKeys: [], allowUnsigned: false } });
    await assert.rejects(
      distrusting.ensure(version),
      (error) => isPackageRejected(error) && error.rejection === 'UntrustedPublisher',
    );
    assert.deepEqual(await readdir(dir).catch(() => []), []);
  });

  it('refuses a version without a digest', async () => {
    const store = new PackageStore({ directory: join(work, 'none'), policy: { trustedKeys: [], allowUnsigned: true } });
    await assert.rejects(store.ensure(versionAt(version.spec.location ?? '', '')), /no sha256 digest/);
  });
});
