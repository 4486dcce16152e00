import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PublishOptions, PublishResult } from '@mortise/registry';
import { CliError, ExitCode } from './exit-codes.js';
import { EXTENSIONS_API, type Condition } from './install-plan-client.js';
import { parseDuration } from './install-plan-watch.js';
import type { KernelClient } from './kernel-client.js';
import type { Output } from './output.js';

const REPOSITORIES_PATH = `${EXTENSIONS_API}/repositories`;
/** On a Repository: any new value makes the kernel sync it now. */
export const SYNC_REQUEST_ANNOTATION = 'extensions.mortise.io/sync-requested';
/** The Repository the CLI registers for `--repository-dir` when the kernel has no file:// one. */
export const LOCAL_REPOSITORY = 'local';
const POLL_MS = 200;

interface Repository {
  apiVersion: string;
  kind: 'Repository';
  metadata: { name: string; resourceVersion?: string; annotations?: Record<string, string> };
  spec: { url: string };
  status?: { lastSyncTime?: string; conditions?: Condition[] };
}

export interface KernelPublishOptions {
  publish: PublishOptions;
  timeout: string;
  repositoryDir?: string;
}

export interface KernelPublishResult extends PublishResult {
  server: string;
  /** The Repository object the version was published through. */
  repository: string;
}

const directoryOf = (repository: Repository): string => resolve(fileURLToPath(repository.spec.url));

/**
 * Publishes to a kernel that has no upload endpoint: writes the package
 * into the directory of the kernel's file:// Repository (which this machine
 * must see), asks the kernel to sync it, and waits until the kernel lists the
 * version with the published digest.
 */
export async function publishToKernel(
  kernel: KernelClient,
  output: Output,
  file: string,
  options: KernelPublishOptions,
): Promise<KernelPublishResult> {
  const target = await localRepository(kernel, options.repositoryDir);
  const { publishToRepository } = await import('@mortise/registry');
  const published = await publishToRepository(target.directory, file, options.publish);
  output.progress(
    `${published.name} ${published.version}: written to ${target.directory}; syncing repository ${target.name}`,
  );
  // Registered only now, with the package in place, so its first sync already finds it.
  const since = Date.now();
  if (target.existing) await requestSync(kernel, target.name);
  else await registerRepository(kernel, target.directory);
  await waitForVersion(kernel, target.name, published, since, parseDuration(options.timeout));
  output.progress(`${published.name} ${published.version}: listed by ${kernel.server}`);
  return { ...published, server: kernel.server, repository: target.name };
}

interface PublishTarget {
  name: string;
  directory: string;
  /** False when the CLI registers the Repository after writing into the directory. */
  existing: boolean;
}

async function localRepository(kernel: KernelClient, repositoryDir: string | undefined): Promise<PublishTarget> {
  const { items } = await kernel.request<{ items: Repository[] }>('GET', REPOSITORIES_PATH);
  const local = items.filter((r) => r.spec.url.startsWith('file:'));
  if (repositoryDir !== undefined) {
    const wanted = resolve(repositoryDir);
    const found = local.find((r) => directoryOf(r) === wanted);
    if (found) return { name: found.metadata.name, directory: wanted, existing: true };
    if (items.some((r) => r.metadata.name === LOCAL_REPOSITORY)) {
      throw new CliError(
        `the kernel's repository "${LOCAL_REPOSITORY}" is not ${wanted}; pass its directory`,
        ExitCode.Conflict,
      );
    }
    return { name: LOCAL_REPOSITORY, directory: wanted, existing: false };
  }
  const chosen = local.length === 1 ? local[0] : local.find((r) => r.metadata.name === LOCAL_REPOSITORY);
  if (chosen) return { name: chosen.metadata.name, directory: directoryOf(chosen), existing: true };
  throw new CliError(
    local.length === 0
      ? 'the kernel has no file:// repository to publish into; pass --repository-dir <dir> to register one'
      : `the kernel has several file:// repositories (${local.map((r) => r.metadata.name).join(', ')}); pass --repository-dir`,
    ExitCode.NotFound,
  );
}

async function registerRepository(kernel: KernelClient, directory: string): Promise<void> {
  await kernel.request<Repository>('POST', REPOSITORIES_PATH, {
    body: {
      apiVersion: 'extensions.mortise.io/v1',
      kind: 'Repository',
      metadata: { name: LOCAL_REPOSITORY },
      spec: { url: pathToFileURL(`${directory}/`).href },
    },
  });
}

async function requestSync(kernel: KernelClient, name: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const repository = await kernel.request<Repository>('GET', `${REPOSITORIES_PATH}/${name}`);
    repository.metadata.annotations = {
      ...repository.metadata.annotations,
      [SYNC_REQUEST_ANNOTATION]: new Date().toISOString(),
    };
    try {
      await kernel.request('PUT', `${REPOSITORIES_PATH}/${name}`, { body: repository });
      return;
    } catch (err) {
      if (attempt < 3 && err instanceof CliError && err.reason === 'Conflict') continue;
      throw err;
    }
  }
}

/** Polls the ExtensionVersion the sync makes; a failed sync (Ready=False) ends the wait with its message. */
async function waitForVersion(
  kernel: KernelClient,
  repository: string,
  published: PublishResult,
  /** When the sync was asked for: a failure recorded before is an older sync's. */
  since: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const versionPath = `${EXTENSIONS_API}/extensionversions/${encodeURIComponent(`${published.name}-${published.version}`)}`;
  for (;;) {
    const version = await kernel.request<{ spec?: { digest?: string } } | undefined>('GET', versionPath, {
      allow: [404],
    });
    if (version && (version.spec?.digest === undefined || version.spec.digest === published.digest)) return;
    const repo = await kernel.request<Repository>('GET', `${REPOSITORIES_PATH}/${repository}`);
    const ready = repo.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status === 'False' && Date.parse(ready.lastTransitionTime ?? '') >= since) {
      throw new CliError(
        `repository ${repository} did not sync: ${ready.reason ?? ''} ${ready.message ?? ''}`.trim(),
        ExitCode.Failed,
      );
    }
    if (Date.now() > deadline) {
      throw new CliError(
        `timed out waiting for the kernel to list ${published.name} ${published.version}`,
        ExitCode.Conflict,
        'Timeout',
      );
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
