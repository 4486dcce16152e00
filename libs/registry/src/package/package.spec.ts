import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeExtensionSource } from '../testing/extension-source.js';
import { readArchive, type ArchiveEntry } from './archive-reader.js';
import { writeTarball } from './archive-writer.js';
import { packExtension, signPackage } from './pack-extension.js';
import type { PackageRejection } from './package-error.js';
import { rejectionOf } from '../testing/package-rejection.js';
import { MANIFEST_PATH, SIGNATURE_PATH } from './package-manifest.js';
import { generatePublisherKey, type TrustPolicy } from './publisher-key.js';
import { unpackPackage, verifyPackage } from './verify-package.js';

const publisher = generatePublisherKey();
const stranger = generatePublisherKey();
const strict: TrustPolicy = {
  trustedKeys: [{ publicKeyPem: publisher.publicKeyPem, name: 'tests' }],
  allowUnsigned: false,
};
const lenient: TrustPolicy = { trustedKeys: [], allowUnsigned: true };

let work: string;
let unsigned: string;
let signed: string;

/** Rewrites a package's entries; the signature stays as it was. */
async function tamper(source: string, change: (entries: ArchiveEntry[]) => ArchiveEntry[]): Promise<string> {
  const out = join(work, `tampered-${Math.random().toString(36).slice(2)}.tgz`);
  await writeTarball(change(await readArchive(await readFile(source))), out);
  return out;
}

function replaceFile(entries: ArchiveEntry[], path: string, data: string): ArchiveEntry[] {
  return entries.map((entry) =>
    entry.path === path ? { path, type: 'file', data: Buffer.from(data), executable: false } : entry,
  );
}

describe('extension packages', () => {
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'mortise-package-spec-'));
    const source = await writeExtensionSource(
      join(work, 'source'),
      { name: 'hello', version: '1.2.0', kernel: '>=0.1.0', displayName: 'Hello' },
      {
        files: {
          'dist/index.spec.js': 'test',
          'dist/index.js.map': '{}',
          'dist/index.d.ts': 'x',
          'src/index.ts': 'x',
          'tsconfig.json': '{}',
          '.env': 'SECRET=1',
          'node_modules/dep/index.js': 'x',
          'ui/index.js': 'ui',
        },
      },
    );
    await symlink('index.js', join(source, 'dist/main.js'));
    unsigned = join(work, 'hello-1.2.0.tgz');
    signed = join(work, 'hello-1.2.0.signed.tgz');
    await packExtension(source, unsigned);
    await signPackage(unsigned, publisher.privateKeyPem, signed);
  });
  after(async () => rm(work, { recursive: true, force: true }));

  describe('pack, sign, verify', () => {
    it('packs the built backend, frontend and documents with their sha256, and leaves sources, tests, maps, dotfiles and dependencies out', async () => {
      const result = await packExtension(join(work, 'source'), join(work, 'again.tgz'));
      assert.equal(result.manifest.name, 'hello');
      assert.match(result.digest, /^sha256:[a-f0-9]{64}$/);
      const paths = result.files.map((file) => file.path).sort();
      assert.deepEqual(paths, [
        'CHANGELOG.md',
        'README.md',
        'dist/index.js',
        'dist/main.js',
        'extension.yaml',
        'package.json',
        'ui/index.js',
      ]);
      const index = result.files.find((file) => file.path === 'dist/index.js');
      assert.equal(index?.type === 'file' && index.sha256.length, 64);
    });

    it('makes the same bytes from the same files', async () => {
      const a = await packExtension(join(work, 'source'), join(work, 'a.tgz'));
      const b = await packExtension(join(work, 'source'), join(work, 'b.tgz'));
      assert.equal(a.digest, b.digest);
    });

    it('verifies a package signed by a trusted key and names the publisher', async () => {
      const verified = await verifyPackage(signed, strict);
      assert.equal(verified.manifest.version, '1.2.0');
      assert.deepEqual(verified.publisher, { keyId: publisher.keyId, name: 'tests' });
    });

    it('signs in place, replacing an earlier signature', async () => {
      const copy = join(work, 'resigned.tgz');
      await signPackage(signed, stranger.privateKeyPem, copy);
      const result = await signPackage(copy, publisher.privateKeyPem);
      assert.equal(result.keyId, publisher.keyId);
      assert.equal((await verifyPackage(copy, strict)).publisher?.keyId, publisher.keyId);
      const signatures = (await readArchive(await readFile(copy))).filter((entry) => entry.path === SIGNATURE_PATH);
      assert.equal(signatures.length, 1);
    });

    it('unpacks exactly the packaged files, links and manifest', async () => {
      const dest = join(work, 'unpacked');
      const verified = await unpackPackage(signed, dest, strict);
      assert.equal(verified.manifest.name, 'hello');
      assert.equal(await readFile(join(dest, 'dist/main.js'), 'utf8'), 'export default {};\n');
      assert.deepEqual((await readdir(dest)).sort(), [
        '.mortise',
        'CHANGELOG.md',
        'README.md',
        'dist',
        'extension.yaml',
        'package.json',
        'ui',
      ]);
    });

    it('refuses to unpack into a directory that is not empty', async () => {
      const dest = join(work, 'occupied');
      await mkdir(dest);
      await writeFile(join(dest, 'keep.txt'), 'mine');
      await assert.rejects(unpackPackage(signed, dest, strict), { name: 'ConflictError' });
      assert.deepEqual(await readdir(dest), ['keep.txt']);
    });

    it('refuses a digest other than the expected one', async () => {
      const expectedDigest = `sha256:${'0'.repeat(64)}`;
      assert.equal(await rejectionOf(verifyPackage(signed, strict, { expectedDigest })), 'DigestMismatch');
    });

    it('refuses a manifest with a version that is not semver', async () => {
      const source = await writeExtensionSource(join(work, 'bad-version'), { name: 'bad', version: 'one' });
      assert.equal(await rejectionOf(packExtension(source, join(work, 'bad.tgz'))), 'InvalidManifest');
    });
  });

  describe('tampering and trust', () => {
    const cases: Array<{ name: string; make: () => Promise<string>; policy?: TrustPolicy; expect: PackageRejection }> =
      [
        {
          name: 'a changed file',
          make: () => tamper(signed, (e) => replaceFile(e, 'dist/index.js', 'evil()')),
          expect: 'Tampered',
        },
        {
          name: 'an added file',
          make: () =>
            tamper(signed, (e) => [
              ...e,
              { path: 'dist/extra.js', type: 'file', data: Buffer.from('x'), executable: false },
            ]),
          expect: 'Tampered',
        },
        {
          name: 'a removed file',
          make: () => tamper(signed, (e) => e.filter((x) => x.path !== 'README.md')),
          expect: 'Tampered',
        },
        {
          name: 'a changed manifest',
          make: () =>
            tamper(signed, (e) => {
              const manifest = e.find((x) => x.path === MANIFEST_PATH);
              const text = manifest?.type === 'file' ? manifest.data.toString() : '';
              return replaceFile(e, MANIFEST_PATH, text.replace('"README.md"', '"README.txt"'));
            }),
          expect: 'Tampered',
        },
        {
          name: 'a changed file under an allow-unsigned policy',
          make: () => tamper(unsigned, (e) => replaceFile(e, 'extension.yaml', 'name: hello\nversion: 9.9.9\n')),
          policy: lenient,
          expect: 'Tampered',
        },
        {
          name: 'a package signed by another key',
          make: () => signWith(stranger.privateKeyPem),
          expect: 'UntrustedPublisher',
        },
        {
          name: 'an unsigned package under the strict policy',
          make: () => Promise.resolve(unsigned),
          expect: 'Unsigned',
        },
      ];
    for (const { name, make, policy, expect } of cases) {
      it(`refuses ${name} (${expect}) and unpacks nothing`, async () => {
        const file = await make();
        assert.equal(await rejectionOf(verifyPackage(file, policy ?? strict)), expect);
        const dest = join(work, `dest-${expect}-${Math.random().toString(36).slice(2)}`);
        assert.equal(await rejectionOf(unpackPackage(file, dest, policy ?? strict)), expect);
        assert.equal(existsSync(dest), false);
      });
    }

    it('accepts unsigned and untrusted packages when the policy allows unsigned ones, without naming a publisher', async () => {
      assert.equal((await verifyPackage(unsigned, lenient)).publisher, undefined);
      assert.equal((await verifyPackage(await signWith(stranger.privateKeyPem), lenient)).publisher, undefined);
    });

    it('still refuses a bad signature by a trusted key under the allow-unsigned policy', async () => {
      const forged = await tamper(signed, (e) =>
        replaceFile(
          e,
          SIGNATURE_PATH,
          JSON.stringify({ algorithm: 'ed25519', keyId: publisher.keyId, signature: 'AAAA' }),
        ),
      );
      assert.equal(await rejectionOf(verifyPackage(forged, { ...strict, allowUnsigned: true })), 'Tampered');
    });
  });
});

async function signWith(privateKeyPem: string): Promise<string> {
  const out = join(work, `signed-${Math.random().toString(36).slice(2)}.tgz`);
  await signPackage(unsigned, privateKeyPem, out);
  return out;
}
