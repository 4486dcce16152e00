import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeconfigFor, startKubeApiServerDouble, type FakeKubeApiServer } from '@mortise/store';
import type { KernelConfig } from '../config/kernel-config.schema.js';
import type { KernelOptions } from '../create-kernel.js';
import { startTestKernel, type TestKernel } from './kernel-fixture.js';

/** Short leases, so a failover takes seconds in tests (production defaults: 15, 10, 2). */
export const TEST_LEADER_ELECTION: KernelConfig['leaderElection'] = {
  leaseDurationSeconds: 3,
  renewDeadlineSeconds: 2,
  retryPeriodSeconds: 0.5,
};

export interface Replicas {
  server: FakeKubeApiServer;
  kernels: TestKernel[];
  /** Starts one more replica on the same API server. */
  add(options?: KernelOptions): Promise<TestKernel>;
  /** The replica leading now, if any. */
  leader(): TestKernel | undefined;
  close(): Promise<void>;
}

/**
 * Several kernels as replicas of one deployment: each on the kubernetes
 * store, all against one API-server double (the CRDs of `deploy/crds`
 * installed), sharing a namespace and the leader-election Lease. Each has
 * its own audit directory, as each pod has its own data volume.
 */
export async function startReplicas(count: number, options: KernelOptions = {}): Promise<Replicas> {
  const server = await startKubeApiServerDouble();
  const dir = mkdtempSync(join(tmpdir(), 'mortise-replicas-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigFor(server.url, 'mortise-system'));
  const kernels: TestKernel[] = [];
  const add = async (extra: KernelOptions = {}): Promise<TestKernel> => {
    const kernel = await startTestKernel({
      ...options,
      ...extra,
      config: {
        store: 'kubernetes',
        storeNamespace: 'mortise-system',
        storeKubeconfig: kubeconfig,
        leaderElection: TEST_LEADER_ELECTION,
        // Replicas behind one Service share one issuer; each kernel's own address would make tokens local to it.
        publicUrl: 'https://mortise.replicas.test',
        ...options.config,
        ...extra.config,
      },
    });
    kernels.push(kernel);
    return kernel;
  };
  const replicas: Replicas = {
    server,
    kernels,
    add,
    leader: () => kernels.find((k) => k.kernel.controllers.isLeader()),
    close: async () => {
      await Promise.allSettled(kernels.map((k) => k.close()));
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    // One at a time: the first creates the admin and the platform roles the others find.
    for (let i = 0; i < count; i++) await add();
  } catch (err) {
    await replicas.close();
    throw err;
  }
  return replicas;
}
