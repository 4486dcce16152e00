/**
 * InstallPlan creation → first 200 on the extension's route, through a real
 * kernel (identity, RBAC, admission, controller, per-replica host): for an
 * unpacked local directory, and for a packed tarball the PackageStore
 * verifies and unpacks first. Each round installs a new version (a fresh
 * module graph), then uninstalls it.
 * The kernel warms the first install up in the background on the first
 * request for the extensions API (here a marketplace listing before the
 * rounds); `BENCH_COLD=1` starts a kernel without that warm-up, for comparison.
 * Run: node bench/dist/install-plan.bench.js [rounds]
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startTestKernel, type TestKernel } from '@mortise/kernel';
import { DigestRoutedPackages, PackageStore, packExtension } from '@mortise/registry';
import { writeExtensionPackage } from '@mortise/runtime';
import { median } from './stats.js';

const rounds = Number(process.argv[2] ?? 9);
const PING = new URL('./ping.extension.js', import.meta.url);
const PLANS = '/kapis/extensions.mortise.io/v1/installplans';
const ROUTE = '/kapis/ping.bench.mortise.io/v1/namespaces/bench/ping';

const packagesDir = await mkdtemp(join(tmpdir(), 'mortise-bench-packages-'));
const cold = process.env.BENCH_COLD === '1';
const k: TestKernel = await startTestKernel({
  warmUpFirstInstall: !cold,
  packages: new DigestRoutedPackages(
    new PackageStore({ directory: packagesDir, policy: { trustedKeys: [], allowUnsigned: true } }),
  ),
});

async function release(version: string, packed: boolean): Promise<void> {
  const manifest = {
    name: 'ping',
    version,
    kernel: '>=0.1.0',
    backend: { type: 'module', group: 'ping.bench.mortise.io', apiVersion: 'v1' },
  };
  const directory = await writeExtensionPackage(manifest, PING);
  let location = directory;
  let digest: string | undefined;
  if (packed) {
    const file = join(await mkdtemp(join(tmpdir(), 'mortise-bench-pkg-')), `ping-${version}.tgz`);
    digest = (await packExtension(directory, file)).digest;
    location = pathToFileURL(file).href;
  }
  await k.kernel.store.create({
    apiVersion: 'extensions.mortise.io/v1',
    kind: 'ExtensionVersion',
    metadata: { name: `ping-${version}` },
    spec: { ...manifest, location, ...(digest ? { digest } : {}) },
  });
}

async function installToFirst200(version: string): Promise<number> {
  const started = performance.now();
  const created = await k.call('POST', PLANS, {
    body: { metadata: { name: 'ping' }, spec: { extension: { name: 'ping', version } } },
  });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
  for (;;) {
    if ((await k.call('GET', ROUTE)).status === 200) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const elapsed = performance.now() - started;
  await k.call('DELETE', `${PLANS}/ping`);
  while ((await k.call('GET', `${PLANS}/ping`)).status !== 404) await new Promise((r) => setTimeout(r, 10));
  return elapsed;
}

if (!cold) {
  const warming = performance.now();
  await k.call('GET', '/kapis/extensions.mortise.io/v1/marketplace');
  await k.kernel.warmUp();
  console.log(
    `background warm-up settled ${(performance.now() - warming).toFixed(0)} ms after the first marketplace request`,
  );
}
const results: Record<string, number[]> = { directory: [], packed: [] };
for (let i = 0; i < rounds; i++) {
  for (const kind of ['directory', 'packed'] as const) {
    const version = `1.${i}.${kind === 'packed' ? 1 : 0}`;
    await release(version, kind === 'packed');
    results[kind].push(await installToFirst200(version));
  }
}
await k.close();

const fmt = (n: number) => `${n.toFixed(0)} ms`;
for (const [kind, ms] of Object.entries(results)) {
  console.log(
    `${kind.padEnd(9)} InstallPlan → first 200: first ${fmt(ms[0])}, median ${fmt(median(ms))}, ` +
      `min ${fmt(Math.min(...ms))}, max ${fmt(Math.max(...ms))} (${ms.length} rounds; goal ≤ 500 ms)`,
  );
}
