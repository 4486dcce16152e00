// Load and start-up benchmark: the kernel against a bare Fastify and a bare
// Nest route on the same machine, reported as ratios because the absolute
// numbers depend on the (shared) machine. Not a test: nothing here asserts.
import { cpus, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { createKernel } from '@mortise/kernel';
import { load, type LoadOptions, type LoadResult } from './autocannon.js';
import { startBareFastify, startBareNest } from './baselines.js';
import { measureColdStart } from './cold-start.js';
import { benchTokenVerify } from './token-verify.js';
import { measureAuthOverhead } from './auth-overhead.js';
import { adminToken, createWorkspaceRequests } from './kernel-requests.js';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const TENANT = '/kapis/tenant.mortise.io/v1/workspaces';
const ADMIN_PASSWORD = 'bench-admin-password';

interface Row {
  name: string;
  result: LoadResult;
}

async function measure(name: string, options: Omit<LoadOptions, 'duration' | 'connections'>): Promise<Row> {
  // A short unmeasured run first, so every case is measured with warm JIT and connections.
  await load({ ...options, duration: 1, connections: CONNECTIONS });
  const result = await load({ ...options, duration: DURATION_S, connections: CONNECTIONS });
  if (result.non2xx > 0 || result.errors > 0) {
    console.warn(`${name}: ${result.non2xx} non-2xx responses and ${result.errors} errors`);
  }
  return { name, result };
}

async function main(): Promise<void> {
  const rows: Row[] = [];

  const bareFastify = await startBareFastify();
  rows.push(await measure('bare Fastify GET', { url: `${bareFastify.url}/thing` }));
  await bareFastify.close();

  const bareNest = await startBareNest();
  rows.push(await measure('bare Nest+Fastify GET', { url: `${bareNest.url}/thing` }));
  await bareNest.close();

  const dataDir = mkdtempSync(join(tmpdir(), 'mortise-bench-'));
  const kernel = await createKernel({
    config: { store: 'sqlite', dataDir, logLevel: 'silent' },
    identity: { admin: { password: ADMIN_PASSWORD } },
  });
  const auth = { authorization: `Bearer ${await adminToken(kernel.url, ADMIN_PASSWORD)}` };
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${kernel.url}${TENANT}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        metadata: { name: `ws-${i}`, labels: { bench: 'yes' } },
        spec: { displayName: `Workspace ${i}` },
      }),
    });
    if (res.status !== 201) throw new Error(`seeding failed: ${res.status} ${await res.text()}`);
  }
  const keyRes = await fetch(`${kernel.url}/kapis/iam.mortise.io/v1/apikeys`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ metadata: { name: 'bench' }, spec: {} }),
  });
  const apiKey = ((await keyRes.json()) as { status: { secret: string } }).status.secret;
  const object = `${kernel.url}${TENANT}/ws-42`;
  rows.push(await measure('kernel GET object', { url: object, headers: auth }));
  const overhead = await measureAuthOverhead({
    url: object,
    bearer: auth.authorization.slice('Bearer '.length),
    apiKey,
    // The same GET, its path made public: the request carries no credential, everything else is identical.
    makePublic: () => kernel.pipeline.publicRoutes.addExact(`${TENANT}/ws-42`),
    rounds: 4,
    duration: DURATION_S,
    connections: CONNECTIONS,
  });
  rows.push(
    await measure('kernel LIST 100', { url: `${kernel.url}${TENANT}?labelSelector=bench%3Dyes`, headers: auth }),
  );
  rows.push(
    await measure('kernel POST', {
      url: kernel.url,
      requests: createWorkspaceRequests(TENANT, auth),
    }),
  );
  await kernel.close();

  const kernelDist = dirname(createRequire(import.meta.url).resolve('@mortise/kernel'));
  const port = 18_000 + Math.floor(Math.random() * 1000);
  const coldBundle = await measureColdStart(join(kernelDist, 'mortise.mjs'), dataDir, port);
  const coldModules = await measureColdStart(join(kernelDist, 'main.js'), dataDir, port);
  rmSync(dataDir, { recursive: true, force: true });

  const fastifyRps = rows[0].result.requests.average;
  const nestRps = rows[1].result.requests.average;
  console.log(`\nmachine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}`);
  console.log(`load: ${CONNECTIONS} connections, ${DURATION_S} s per case, loopback\n`);
  console.table(
    rows.map(({ name, result }) => ({
      case: name,
      'req/s': Math.round(result.requests.average),
      'p99 ms': result.latency.p99,
      'vs Fastify': (result.requests.average / fastifyRps).toFixed(2),
      'vs Nest': (result.requests.average / nestRps).toFixed(2),
    })),
  );
  console.log(
    `authenticated GET vs the same GET public (median of 4 interleaved rounds, public ${Math.round(overhead.publicRps)} req/s): ` +
      `bearer ${overhead.bearerRatio.toFixed(2)}×, API key ${overhead.apiKeyRatio.toFixed(2)}× (goal ≥ 0.9×); ` +
      `bearer vs public with an equally long header ${overhead.bearerVsPaddedRatio.toFixed(2)}×`,
  );
  const verify = await benchTokenVerify();
  console.log(
    `token verify: cold ${verify.coldMicros.toFixed(1)} µs, cached ${verify.cachedMicros.toFixed(2)} µs (goal ≤ 10 µs), API key cached ${verify.apiKeyCachedMicros.toFixed(2)} µs`,
  );
  console.log('cold start to first /readyz 200 (goal 700 ms), idle RSS (goal 80 MB):');
  console.log(`  bundled dist/mortise.mjs (npm start): ${coldBundle.readyMs} ms, ${coldBundle.idleRssMb} MB`);
  console.log(`  unbundled dist/main.js:               ${coldModules.readyMs} ms, ${coldModules.idleRssMb} MB`);
}

await main();
