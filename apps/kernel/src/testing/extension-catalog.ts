import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { writeExtensionPackage } from '@mortise/runtime';
import type { ResourceStore } from '@mortise/store';
import type { CallResult, TestKernel } from './kernel-fixture.js';

export const INSTALL_PLANS = '/kapis/extensions.mortise.io/v1/installplans';
export const PROBE_GROUP = 'probe.test.mortise.io';
export const PROBE_PATH = `/kapis/${PROBE_GROUP}/v1`;

const PROBE_ENTRY = new URL('./fixtures/probe.extension.js', import.meta.url);

const released = (name: string, version: string) => ({ name, version, kernel: '>=0.1.0' });

/** The manifest of a probe extension (module backend), these fields over the defaults. */
export function probeManifest(
  name: string,
  version: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...released(name, version),
    configSchema: {
      type: 'object',
      properties: { startDelayMs: { type: 'integer', minimum: 0 }, token: { type: 'string', writeOnly: true } },
    },
    ...overrides,
    backend: {
      type: 'module',
      module: 'dist/index.js',
      group: name === 'probe' ? PROBE_GROUP : `${name}.test.mortise.io`,
      apiVersion: 'v1',
      ...(overrides['backend'] as object | undefined),
    },
  };
}

/** Writes a probe package and publishes it as an ExtensionVersion; returns its directory. */
export async function releaseProbe(
  store: ResourceStore,
  name: string,
  version: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const manifest = probeManifest(name, version, overrides);
  const directory = await writeExtensionPackage(manifest, PROBE_ENTRY);
  await publishVersion(store, manifest, directory);
  return directory;
}

/**
 * Publishes a released version as repository sync would: an ExtensionVersion
 * `{name}-{version}` whose location is the unpacked package directory.
 */
export async function publishVersion(
  store: ResourceStore,
  manifest: Record<string, unknown>,
  directory: string,
): Promise<void> {
  await store.create({
    apiVersion: 'extensions.mortise.io/v1',
    kind: 'ExtensionVersion',
    metadata: { name: `${String(manifest['name'])}-${String(manifest['version'])}` },
    spec: { ...manifest, location: directory },
  });
}

/** Polls an InstallPlan until `done` holds (or it is gone, when waiting for that); returns the last answer. */
export async function waitForPlan(
  k: TestKernel,
  name: string,
  done: (res: CallResult) => boolean,
  timeoutMs = 15_000,
): Promise<CallResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await k.call('GET', `${INSTALL_PLANS}/${name}`);
    if (done(res)) return res;
    if (Date.now() > deadline) throw new Error(`InstallPlan ${name} did not settle: ${res.status} ${res.text}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const inState =
  (...states: string[]) =>
  (res: CallResult): boolean =>
    res.status === 200 && states.includes(res.body.status?.state as string);

export const gone = (res: CallResult): boolean => res.status === 404;

export function planBody(name: string, version: string, spec: Record<string, unknown> = {}) {
  return { metadata: { name }, spec: { extension: { name, version }, ...spec } };
}

/** The manifest of a service extension reached at `upstream`: an APIService, a ReverseProxy, a JSBundle and an entry. */
export function serviceManifest(
  name: string,
  version: string,
  upstream: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...released(name, version),
    backend: { type: 'service', service: { url: upstream } },
    apiServices: [{ name, group: `${name}.svc.test.mortise.io`, version: 'v1' }],
    reverseProxies: [
      {
        name: `${name}-ui`,
        matcher: { path: `/proxy/${name}/*`, method: 'GET' },
        path: '/ui',
        directives: { stripPathPrefix: `/proxy/${name}` },
      },
    ],
    jsBundles: [{ name, path: '/static' }],
    entries: [{ name: `${name}-page`, title: name, parent: 'global.platform' }],
    roleTemplates: [
      {
        name: `${name}-view`,
        aggregateTo: ['platform-regular'],
        rules: [{ apiGroups: [`${name}.svc.test.mortise.io`], resources: ['*'], verbs: ['get', 'list'] }],
      },
    ],
    ...overrides,
  };
}

/** Publishes a service extension version; its package directory holds `extension.yaml` and `files` (relative path → content). */
export async function releaseService(
  store: ResourceStore,
  name: string,
  version: string,
  upstream: string,
  overrides: Record<string, unknown> = {},
  files: Record<string, string> = {},
): Promise<void> {
  const manifest = serviceManifest(name, version, upstream, overrides);
  const directory = await mkdtemp(join(tmpdir(), 'mortise-svc-'));
  await writeFile(join(directory, 'extension.yaml'), stringify(manifest));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(directory, path)), { recursive: true });
    await writeFile(join(directory, path), content);
  }
  await publishVersion(store, manifest, directory);
}

/** Whether the answer is a plan with this condition at this status. */
export const hasCondition =
  (type: string, status: 'True' | 'False') =>
  (res: CallResult): boolean => {
    const conditions = (res.body?.status?.conditions ?? []) as Array<{ type: string; status: string }>;
    return conditions.some((c) => c.type === type && c.status === status);
  };

/** Polls until `check` holds. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
