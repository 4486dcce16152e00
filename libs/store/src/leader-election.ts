import type { LeaderElection } from '@mortise/api';
import type { LeaseLeaderElectionOptions } from './kubernetes/lease-leader-election.js';

/** Leader election over a Lease in the kubernetes store's namespace; loaded on demand, like the kubernetes store. */
export async function createLeaseLeaderElection(options: LeaseLeaderElectionOptions): Promise<LeaderElection> {
  const { LeaseLeaderElection } = await import('./kubernetes/lease-leader-election.js');
  return new LeaseLeaderElection(options);
}
