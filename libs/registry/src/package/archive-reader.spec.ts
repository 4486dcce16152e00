import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from 'tar';
import { writeExtensionSource } from '../testing/extension-source.js';
import { rejectionOf } from '../testing/package-rejection.js';
import { packExtension } from './pack-extension.js';
import type { PackageRejection } from './package-error.js';
import type { TrustPolicy } from './publisher-key.js';
import { unpackPackage, verifyPackage } from './verify-package.js';

const lenient: TrustPolicy = { trustedKeys: [], allowUnsigned: true };
let work: string;
let packed: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'mortise-archive-spec-'));
  packed = join(work, 'plain.tgz');
  await packExtension(await writeExtensionSource(join(work, 'plain'), { name: 'plain', version: '1.0.0' }), packed);
});
after(async () => rm(work, { recursive: true, force: true }));

describe('unpack safety', () => {
  const unsafeCases: Array<{ name: string; make: () => Promise<string>; expect: PackageRejection }> = [
    { name: 'an absolute path', make: () => rawTarball((dir) => absoluteEntry(dir)), expect: 'UnsafeArchive' },
    { name: 'a path with ..', make: () => rawTarball((dir) => dotDotEntry(dir)), expect: 'UnsafeArchive' },
    {
      name: 'a symlink leaving the root',
      make: () => rawTarball((dir) => linkEntry(dir, 'up', '../../etc')),
      expect: 'UnsafeArchive',
    },
    {
      name: 'an absolute symlink',
      make: () => rawTarball((dir) => linkEntry(dir, 'passwd', '/etc/passwd')),
      expect: 'UnsafeArchive',
    },
    {
      name: 'a symlink chain that leaves the root',
      make: () =>
        rawTarball(async (dir) => {
          await symlink('.', join(dir, 'here'));
          await symlink('here/..', join(dir, 'out'));
          return ['here', 'out'];
        }),
      expect: 'UnsafeArchive',
    },
    {
      name: 'a file below a symlink',
      make: () =>
        rawTarball(
          async (dir) => {
            await mkdir(join(dir, 'real'));
            await writeFile(join(dir, 'real/file'), 'x');
            await symlink('real', join(dir, 'alias'));
            return ['alias', 'alias/file'];
          },
          { follow: false },
        ),
      expect: 'UnsafeArchive',
    },
    {
      name: 'something that is not a tar',
      make: () => writeRaw(Buffer.from('not a tarball at all'.repeat(40))),
      expect: 'BadPackage',
    },
  ];
  for (const { name, make, expect } of unsafeCases) {
    it(`refuses ${name}`, async () => {
      const file = await make();
      assert.equal(await rejectionOf(verifyPackage(file, lenient)), expect);
      const dest = join(work, `unsafe-${Math.random().toString(36).slice(2)}`);
      assert.equal(await rejectionOf(unpackPackage(file, dest, lenient)), expect);
      assert.equal(existsSync(dest), false);
    });
  }

  it('accepts a link inside the root that goes up and back down', async () => {
    const source = await writeExtensionSource(join(work, 'linked'), { name: 'linked', version: '1.0.0' });
    await symlink('../README.md', join(source, 'dist/README.md'));
    const out = join(work, 'linked.tgz');
    await packExtension(source, out);
    const dest = join(work, 'linked-unpacked');
    await unpackPackage(out, dest, lenient);
    assert.equal(await readFile(join(dest, 'dist/README.md'), 'utf8'), '# linked\n');
  });

  it('refuses archives past the entry, byte and file-size limits', async () => {
    const limits = { maxPackageBytes: 1024 * 1024, maxEntries: 1000, maxTotalBytes: 1024 * 1024 };
    assert.equal(
      await rejectionOf(verifyPackage(packed, lenient, { limits: { ...limits, maxEntries: 3 } })),
      'TooLarge',
    );
    assert.equal(
      await rejectionOf(verifyPackage(packed, lenient, { limits: { ...limits, maxTotalBytes: 100 } })),
      'TooLarge',
    );
    assert.equal(
      await rejectionOf(verifyPackage(packed, lenient, { limits: { ...limits, maxPackageBytes: 100 } })),
      'TooLarge',
    );
    const dest = join(work, 'too-large');
    assert.equal(
      await rejectionOf(unpackPackage(packed, dest, lenient, { limits: { ...limits, maxEntries: 3 } })),
      'TooLarge',
    );
    assert.equal(existsSync(dest), false);
  });
});

async function writeRaw(data: Buffer): Promise<string> {
  const out = join(work, `raw-${Math.random().toString(36).slice(2)}.tgz`);
  await writeFile(out, data);
  return out;
}

/** A tarball made by node-tar with path checks off, so it can hold what packExtension never writes. */
async function rawTarball(
  fill: (dir: string) => Promise<string[]>,
  options: { follow?: boolean } = {},
): Promise<string> {
  const dir = await mkdtemp(join(work, 'raw-'));
  const root = join(dir, 'root');
  await mkdir(root);
  const paths = await fill(root);
  const out = join(work, `raw-${Math.random().toString(36).slice(2)}.tgz`);
  await create(
    { gzip: true, file: out, cwd: root, preservePaths: true, follow: options.follow ?? false, noDirRecurse: true },
    paths,
  );
  return out;
}

async function absoluteEntry(root: string): Promise<string[]> {
  await writeFile(join(root, 'abs'), 'x');
  return [join(root, 'abs')];
}

async function dotDotEntry(root: string): Promise<string[]> {
  await writeFile(join(root, '..', 'outside'), 'x');
  return ['../outside'];
}

async function linkEntry(root: string, name: string, target: string): Promise<string[]> {
  await symlink(target, join(root, name));
  return [name];
}
