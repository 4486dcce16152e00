import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { SoleLeader, type LeaderElection } from '@mortise/api';
import type { Logger } from '@mortise/observability';
import { createLeaseLeaderElection } from '@mortise/store';
import { leaderElectionTimings, type KernelConfig } from './config/kernel-config.schema.js';

/**
 * This replica's name among the others: the host name (the pod's name on
 * Kubernetes) and a random part, so two kernels in one process or a
 * restarted pod never share one, as client-go does it.
 */
export function replicaIdentity(): string {
  return `${hostname()}_${randomUUID().slice(0, 8)}`;
}

/**
 * The election for the configured store: a Lease on kubernetes, where
 * several replicas share the state; otherwise the only kernel leads (the
 * sqlite file admits one kernel, memory is the process's own).
 */
export function openLeaderElection(config: KernelConfig, identity: string, logger: Logger): Promise<LeaderElection> {
  if (config.store !== 'kubernetes') return Promise.resolve(new SoleLeader(identity));
  const timings = leaderElectionTimings(config);
  return createLeaseLeaderElection({
    name: timings.leaseName,
    identity,
    leaseDurationSeconds: timings.leaseDurationSeconds,
    renewDeadlineSeconds: timings.renewDeadlineSeconds,
    retryPeriodSeconds: timings.retryPeriodSeconds,
    ...(config.storeNamespace ? { namespace: config.storeNamespace } : {}),
    ...(config.storeKubeconfig ? { kubeconfigPath: config.storeKubeconfig } : {}),
    onError: (err) => logger.warn({ reason: (err as Error).message }, 'leader election: lease not renewed'),
  });
}
