/**
 * Repository sync benchmark: an index of 1,000 versions (50 extensions × 20
 * versions, each with a small manifest and README) synced into an empty
 * catalogue (1,000 ExtensionVersions and 50 Extensions created), then again
 * unchanged (nothing written), on the memory and sqlite stores. Also the cost
 * of packing, signing and publishing one sample, and of verifying it.
 * Reported absolute and per version; nothing asserts.
 * Run: node bench/dist/registry-sync.bench.js
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import {
  INDEX_API_VERSION,
  INDEX_KIND,
  generatePublisherKey,
  packExtension,
  publishToRepository,
  signPackage,
  syncRepository,
  verifyPackage,
  writeIndex,
  type IndexedVersion,
  type RepositoryIndex,
} from '@mortise/registry';
import { MemoryStore, SqliteStore, type ResourceStore } from '@mortise/store';

const EXTENSIONS = 50;
const VERSIONS_PER_EXTENSION = 20;
const key = generatePublisherKey();
const policy = { trustedKeys: [key], allowUnsigned: false };

function syntheticIndex(): RepositoryIndex {
  const extensions = [];
  for (let e = 0; e < EXTENSIONS; e++) {
    const name = `ext-${e}`;
    const versions: IndexedVersion[] = [];
    for (let v = VERSIONS_PER_EXTENSION - 1; v >= 0; v--) {
      const version = `1.${v}.0`;
      versions.push({
        version,
        digest: `sha256:${(e * 1000 + v).toString(16).padStart(64, '0')}`,
        location: `packages/${name}-${version}.tgz`,
        created: new Date(Date.UTC(2026, 0, 1 + v)).toISOString(),
        manifest: {
          name,
          version,
          displayName: `Extension ${e}`,
          description: 'A synthetic extension for the sync benchmark.',
          provider: `provider-${e % 7}`,
          category: `category-${e % 5}`,
          kernel: '>=0.1.0',
          dependencies: e > 0 ? { 'ext-0': '^1.0.0' } : {},
          entries: [{ name: `${name}-entry`, title: `Extension ${e}`, parent: 'global.platform' }],
        },
        readme: `# Extension ${e}\n\n${'Lorem ipsum dolor sit amet. '.repeat(40)}\n`,
        changelog: `## ${version}\n- changes\n`,
      });
    }
    extensions.push({ name, versions });
  }
  return { apiVersion: INDEX_API_VERSION, kind: INDEX_KIND, extensions };
}

async function timeSync(store: ResourceStore, label: string): Promise<void> {
  const total = EXTENSIONS * VERSIONS_PER_EXTENSION;
  for (const pass of ['first sync (creates)', 'second sync (unchanged)']) {
    const started = performance.now();
    const result = await syncRepository({ store, kernelVersion: '0.1.0', policy }, 'bench');
    const ms = performance.now() - started;
    if (!result?.ok) throw new Error(`sync failed: ${result?.ok === false ? result.message : 'no repository'}`);
    console.log(
      `${label.padEnd(7)} ${pass.padEnd(24)} ${ms.toFixed(0).padStart(6)} ms  ${((ms * 1000) / total).toFixed(0).padStart(5)} µs/version`,
    );
  }
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'mortise-registry-bench-'));
  try {
    const repo = join(work, 'repo');
    await writeIndex(repo, syntheticIndex(), { signingKey: key });
    const repository = {
      apiVersion: 'extensions.mortise.io/v1',
      kind: 'Repository',
      metadata: { name: 'bench' },
      spec: { url: pathToFileURL(`${repo}/`).href },
    };
    console.log(`repository sync: ${EXTENSIONS * VERSIONS_PER_EXTENSION} versions of ${EXTENSIONS} extensions`);
    const memory = new MemoryStore();
    await memory.create(repository);
    await timeSync(memory, 'memory');
    const sqlite = SqliteStore.open({ dataDir: join(work, 'sqlite') });
    await sqlite.create(repository);
    await timeSync(sqlite, 'sqlite');
    await sqlite.close();

    const sample = fileURLToPath(new URL('../../extensions/announcements/', import.meta.url));
    const file = join(work, 'announcements.tgz');
    let started = performance.now();
    await packExtension(sample, file);
    await signPackage(file, key.privateKeyPem);
    await publishToRepository(join(work, 'samples'), file, { signingKey: key });
    console.log(`pack + sign + publish announcements: ${(performance.now() - started).toFixed(0)} ms`);
    started = performance.now();
    await verifyPackage(file, policy);
    console.log(`verify announcements: ${(performance.now() - started).toFixed(1)} ms`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
