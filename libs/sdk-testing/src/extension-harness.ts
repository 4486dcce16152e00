import { compileResourceValidator } from '@mortise/api';
import {
  InMemoryKernel,
  StoreResourceClient,
  readManifest,
  type ExtensionStatus,
  type InjectedResponse,
  type TestUser,
} from '@mortise/runtime';
import type { ResourceClient } from '@mortise/sdk';

export type { TestUser };

export interface ExtensionHarnessOptions {
  /** The extension package: the directory holding `extension.yaml` and the built entry. */
  directory: string;
  /** Users by name, with the RoleTemplates (by name) or rules they hold. */
  users?: Record<string, TestUser>;
  /** The install config; checked against `configSchema` as at a real install. */
  config?: unknown;
  /** Per-request deadline; default the manifest's or 30 s. */
  requestTimeoutMs?: number;
}

/** `status`, `headers`, and `body`: parsed JSON, or the text when the answer is not JSON. */
export type HarnessResponse<T = unknown> = InjectedResponse<T>;

/** Calls the extension as one user. Paths are relative to `/kapis/{group}/{apiVersion}/`. */
export interface ExtensionClient {
  get<T = unknown>(path: string): Promise<HarnessResponse<T>>;
  post<T = unknown>(path: string, body?: unknown): Promise<HarnessResponse<T>>;
  put<T = unknown>(path: string, body?: unknown): Promise<HarnessResponse<T>>;
  patch<T = unknown>(path: string, body?: unknown): Promise<HarnessResponse<T>>;
  delete<T = unknown>(path: string): Promise<HarnessResponse<T>>;
}

export interface ExtensionHarness {
  readonly group: string;
  readonly apiVersion: string;
  /** A client for `user`; `undefined` calls anonymously. */
  as(user: string | undefined): ExtensionClient;
  /** The extension's declared kinds in the in-memory store, to seed and inspect data. */
  readonly resources: ResourceClient;
  status(): ExtensionStatus;
  /** The Prometheus text of the kernel's registry (the extension's own metrics included). */
  metrics(): Promise<string>;
  close(): Promise<void>;
}

/**
 * Boots one extension in an in-memory kernel (memory store, users
 * authenticated by name, RBAC rules from its RoleTemplates) through the same
 * runtime the kernel uses. A plain async API, so it works under any test
 * runner.
 */
export async function createExtensionHarness(options: ExtensionHarnessOptions): Promise<ExtensionHarness> {
  const manifest = await readManifest(options.directory);
  const kernel = await InMemoryKernel.start({
    users: options.users ?? {},
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });
  try {
    await kernel.runtime.install(options.directory, options.config === undefined ? {} : { config: options.config });
  } catch (err) {
    await kernel.close();
    throw err;
  }
  const group = manifest.backend.group;
  const apiVersion = manifest.backend.apiVersion ?? 'v1';
  const base = `/kapis/${group}/${apiVersion}/`;
  const kinds = kernel.kinds.list().filter((k) => k.owner?.type === 'extension' && k.owner.name === manifest.name);
  const client = (user: string | undefined): ExtensionClient => {
    const call =
      (method: string) =>
      <T>(path: string, body?: unknown) =>
        kernel.request<T>(user, method, base + path.replace(/^\//, ''), body);
    return { get: call('GET'), post: call('POST'), put: call('PUT'), patch: call('PATCH'), delete: call('DELETE') };
  };
  return {
    group,
    apiVersion,
    as: client,
    resources: new StoreResourceClient(manifest.name, kernel.store, kinds, compileResourceValidator),
    status: () => kernel.runtime.status(manifest.name),
    metrics: () => kernel.metrics.metrics(),
    close: () => kernel.close(),
  };
}
