import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { packExtension, signPackage } from '../package/pack-extension.js';
import { generatePublisherKey, keyIdOf, type PublisherKey, type TrustedKey } from '../package/publisher-key.js';
import { publishToRepository, writeIndex } from './publish-to-repository.js';
import { INDEX_FILE, emptyRepositoryIndex } from './repository-index.js';

/** Layout of the registry's part of the data dir. */
export function registryPaths(dataDir: string) {
  return {
    /** The local publisher key pair, created on first start. */
    publisherKey: join(dataDir, 'publisher', 'publisher.key'),
    publisherPublicKey: join(dataDir, 'publisher', 'publisher.pub'),
    /** Extra trusted publisher public keys, one `*.pem` each. */
    trustedKeys: join(dataDir, 'trusted-keys'),
    /** The `local` Repository. */
    repository: join(dataDir, 'repository'),
    /** Unpacked packages by sha256. */
    packages: join(dataDir, 'packages'),
    /** basicAuth secrets of repositories: `<name>/username`, `<name>/password`. */
    secrets: join(dataDir, 'secrets'),
  };
}

/** The data dir's publisher key, made (private key mode 0600) on first use. */
export async function loadOrCreatePublisherKey(dataDir: string): Promise<PublisherKey> {
  const paths = registryPaths(dataDir);
  const existing = await readFile(paths.publisherKey, 'utf8').catch(() => undefined);
  if (existing !== undefined) {
    const publicKeyPem = createPublicKey(createPrivateKey(existing)).export({ type: 'spki', format: 'pem' }).toString();
    return { keyId: keyIdOf(publicKeyPem), publicKeyPem, privateKeyPem: existing };
  }
  const key = generatePublisherKey();
  await mkdir(join(paths.publisherKey, '..'), { recursive: true, mode: 0o700 });
  await writeFile(paths.publisherKey, key.privateKeyPem, { mode: 0o600, flag: 'wx' }).catch(
    async (error: NodeJS.ErrnoException) => {
      // Another process made it first: use that one.
      if (error.code === 'EEXIST') return;
      throw error;
    },
  );
  await chmod(paths.publisherKey, 0o600);
  const stored = await readFile(paths.publisherKey, 'utf8');
  if (stored !== key.privateKeyPem) return loadOrCreatePublisherKey(dataDir);
  await writeFile(paths.publisherPublicKey, key.publicKeyPem);
  return key;
}

/** Every `*.pem` public key in `<dataDir>/trusted-keys/`, named after its file. */
export async function readTrustedKeyDirectory(directory: string): Promise<TrustedKey[]> {
  const names = await readdir(directory).catch(() => []);
  const keys: TrustedKey[] = [];
  for (const name of names.filter((n) => n.endsWith('.pem')).sort()) {
    const publicKeyPem = await readFile(join(directory, name), 'utf8');
    try {
      keys.push({ keyId: keyIdOf(publicKeyPem), publicKeyPem, name: name.slice(0, -'.pem'.length) });
    } catch {
      throw new Error(`${join(directory, name)} is not a PEM public key`);
    }
  }
  return keys;
}

/**
 * Publishes each source directory into the repository unless the index
 * already lists its name and version (so this is cheap after the first
 * start: one index read and one small YAML read per source), and makes
 * sure an index exists. Returns what it published.
 */
export async function seedRepository(
  repoDir: string,
  sources: readonly string[],
  key: PublisherKey,
): Promise<string[]> {
  const listed = await listedVersions(repoDir);
  const published: string[] = [];
  let work: string | undefined;
  try {
    for (const source of sources) {
      const manifest = parseYaml(await readFile(join(source, 'extension.yaml'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      const id = `${manifest.name}@${manifest.version}`;
      if (listed?.has(id)) continue;
      work ??= await mkdtemp(join(tmpdir(), 'mortise-seed-'));
      const file = join(work, `${manifest.name}-${manifest.version}.tgz`);
      await packExtension(source, file);
      await signPackage(file, key.privateKeyPem);
      await publishToRepository(repoDir, file, { signingKey: key });
      published.push(id);
    }
  } finally {
    if (work) await rm(work, { recursive: true, force: true });
  }
  if (listed === undefined && published.length === 0) {
    await writeIndex(repoDir, emptyRepositoryIndex(), { signingKey: key });
  }
  return published;
}

/**
 * `name@version` of what the index lists; undefined without an index. Only
 * names are read: publishing reads and checks the index in full, and the sync
 * validates it, so this restart path does not compile the index schema.
 */
async function listedVersions(repoDir: string): Promise<Set<string> | undefined> {
  const data = await readFile(join(repoDir, INDEX_FILE), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (data === undefined) return undefined;
  const index = JSON.parse(data) as { extensions?: { name?: string; versions?: { version?: string }[] }[] };
  const extensions = Array.isArray(index.extensions) ? index.extensions : [];
  return new Set(extensions.flatMap((e) => (e.versions ?? []).map((v) => `${e.name}@${v.version}`)));
}
