import {
  CoordinationV1Api,
  V1MicroTime,
  type KubeConfig,
  type V1Lease,
  type V1LeaseSpec,
} from '@kubernetes/client-node';
import { AlreadyExistsError, ConflictError, NotFoundError, type LeaderElection } from '@mortise/api';
import { loadKubeConfig } from './kube-config.js';
import { toDomainError } from './kube-errors.js';

export interface LeaseLeaderElectionOptions {
  /** Defaults to `kubeconfigPath`, else the in-cluster service account, else `KUBECONFIG`. */
  kubeConfig?: KubeConfig;
  kubeconfigPath?: string;
  /** The kernel's namespace; defaults to the kubeconfig context's. */
  namespace?: string;
  /** The Lease's name; replicas of one kernel share it. */
  name: string;
  /** This replica's `holderIdentity`, unique among the replicas (the pod name). */
  identity: string;
  /** How long followers wait, after they last saw the lease change, before taking it. */
  leaseDurationSeconds: number;
  /** How long the leader keeps leading without a successful renewal; below the lease duration. */
  renewDeadlineSeconds: number;
  /** How often candidates try to acquire and the leader renews. */
  retryPeriodSeconds: number;
  /** Told of failed attempts (network, server errors); must not throw. */
  onError?: (err: unknown) => void;
}

interface Observation {
  /** What identifies one renewal: the lease's resourceVersion. */
  resourceVersion: string;
  holder: string;
  durationMs: number;
  /** This process's clock when the renewal was first seen; expiry is judged by it, so clock skew does not matter. */
  seenAt: number;
}

/**
 * Leader election over a `coordination.k8s.io/v1` Lease, as client-go's
 * leaderelection does it: the holder renews `renewTime` every retry period;
 * a candidate takes the lease once it has not changed for
 * `leaseDurationSeconds` by the candidate's own clock (so clocks need not
 * agree), bumping `leaseTransitions` and setting `acquireTime`. Every write
 * carries the resourceVersion it read, so two candidates cannot both win.
 * The leader steps down when it could not renew within the renew deadline,
 * which is shorter than the lease, so it stops before anyone else may start.
 */
export class LeaseLeaderElection implements LeaderElection {
  readonly identity: string;
  readonly namespace: string;
  private readonly api: CoordinationV1Api;
  private readonly options: LeaseLeaderElectionOptions;
  private readonly stopping = new AbortController();
  private observed: Observation | undefined;
  private leading = false;
  private lastRenewal = 0;
  private onChange: (leading: boolean) => void = () => {};
  private loop: Promise<void> | undefined;

  constructor(options: LeaseLeaderElectionOptions) {
    const { leaseDurationSeconds: lease, renewDeadlineSeconds: deadline, retryPeriodSeconds: retry } = options;
    if (!(lease > deadline && deadline > retry && retry > 0)) {
      throw new Error(
        `leader election needs leaseDurationSeconds > renewDeadlineSeconds > retryPeriodSeconds > 0 (got ${lease}, ${deadline}, ${retry})`,
      );
    }
    const config = options.kubeConfig ?? loadKubeConfig(options.kubeconfigPath);
    this.options = options;
    this.identity = options.identity;
    this.namespace = options.namespace ?? config.getContextObject(config.getCurrentContext())?.namespace ?? 'default';
    this.api = config.makeApiClient(CoordinationV1Api);
  }

  isLeader(): boolean {
    return this.leading;
  }

  leader(): string | undefined {
    if (this.leading) return this.identity;
    const seen = this.observed;
    return seen && seen.holder !== '' && Date.now() < seen.seenAt + seen.durationMs ? seen.holder : undefined;
  }

  start(onChange: (leading: boolean) => void): Promise<void> {
    this.onChange = onChange;
    this.loop ??= this.run();
    return Promise.resolve();
  }

  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.stopping.abort();
    await this.loop;
    if (this.leading) {
      this.setLeading(false);
      if (options.release !== false) await this.release().catch((err: unknown) => this.options.onError?.(err));
    }
  }

  private async run(): Promise<void> {
    const { retryPeriodSeconds, renewDeadlineSeconds } = this.options;
    while (!this.stopping.signal.aborted) {
      let renewed = false;
      try {
        renewed = await withDeadline(this.tryAcquireOrRenew(), renewDeadlineSeconds * 1000);
      } catch (err) {
        this.options.onError?.(err);
      }
      if (this.stopping.signal.aborted) return;
      const now = Date.now();
      if (renewed) {
        this.lastRenewal = now;
        this.setLeading(true);
      } else if (this.leading && (this.heldByOther() || now - this.lastRenewal >= renewDeadlineSeconds * 1000)) {
        this.setLeading(false);
      }
      // Candidates spread their attempts a little, as client-go's jitter does.
      const delay = retryPeriodSeconds * 1000 * (this.leading ? 1 : 1 + Math.random() * 0.2);
      await sleep(delay, this.stopping.signal);
    }
  }

  private setLeading(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    this.onChange(leading);
  }

  private heldByOther(): boolean {
    return this.observed !== undefined && this.observed.holder !== '' && this.observed.holder !== this.identity;
  }

  /** One attempt: create the lease, renew ours, or take an expired or released one. True when we hold it after. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    const current = await this.read();
    if (!current) {
      const created = await this.write(undefined, {
        holderIdentity: this.identity,
        leaseDurationSeconds: this.options.leaseDurationSeconds,
        acquireTime: new V1MicroTime(now.getTime()),
        renewTime: new V1MicroTime(now.getTime()),
        leaseTransitions: 0,
      });
      return created !== undefined;
    }
    this.observe(current, now.getTime());
    const spec = current.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const seen = this.observed!;
    const free = holder === '' || now.getTime() >= seen.seenAt + seen.durationMs;
    if (holder !== this.identity && !free) return false;
    const next: V1LeaseSpec =
      holder === this.identity
        ? {
            ...spec,
            holderIdentity: this.identity,
            leaseDurationSeconds: this.options.leaseDurationSeconds,
            ...(spec.acquireTime ? { acquireTime: new V1MicroTime(new Date(spec.acquireTime).getTime()) } : {}),
            renewTime: new V1MicroTime(now.getTime()),
          }
        : {
            holderIdentity: this.identity,
            leaseDurationSeconds: this.options.leaseDurationSeconds,
            acquireTime: new V1MicroTime(now.getTime()),
            renewTime: new V1MicroTime(now.getTime()),
            leaseTransitions: (spec.leaseTransitions ?? 0) + 1,
          };
    return (await this.write(current, next)) !== undefined;
  }

  /** Gives the lease up: no holder and a one-second duration, so a candidate takes it at its next attempt. */
  private async release(): Promise<void> {
    const current = await this.read();
    if (!current || current.spec?.holderIdentity !== this.identity) return;
    const now = new V1MicroTime(Date.now());
    await this.write(current, {
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: now,
      renewTime: now,
      leaseTransitions: current.spec.leaseTransitions ?? 0,
    });
  }

  private observe(lease: V1Lease, now: number): void {
    const resourceVersion = lease.metadata?.resourceVersion ?? '';
    if (this.observed?.resourceVersion === resourceVersion) return;
    this.observed = {
      resourceVersion,
      holder: lease.spec?.holderIdentity ?? '',
      durationMs: (lease.spec?.leaseDurationSeconds ?? this.options.leaseDurationSeconds) * 1000,
      seenAt: now,
    };
  }

  private async read(): Promise<V1Lease | undefined> {
    try {
      return await this.api.readNamespacedLease({ name: this.options.name, namespace: this.namespace });
    } catch (err) {
      const error = this.domainError(err);
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  /** Creates (no `current`) or replaces the lease with the version read; undefined when another writer won. */
  private async write(current: V1Lease | undefined, spec: V1LeaseSpec): Promise<V1Lease | undefined> {
    const { name } = this.options;
    const metadata = { name, namespace: this.namespace, ...current?.metadata };
    try {
      const written = current
        ? await this.api.replaceNamespacedLease({ name, namespace: this.namespace, body: { metadata, spec } })
        : await this.api.createNamespacedLease({ namespace: this.namespace, body: { metadata, spec } });
      this.observe(written, Date.now());
      return written;
    } catch (err) {
      const error = this.domainError(err);
      if (error instanceof ConflictError || error instanceof AlreadyExistsError) return undefined;
      throw error;
    }
  }

  private domainError(err: unknown): Error {
    return toDomainError(err, { group: 'coordination.k8s.io', kind: 'Lease', name: this.options.name });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** An attempt that hangs (a stalled connection) counts as failed once the deadline passes. */
function withDeadline(attempt: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([attempt, deadline]).finally(() => clearTimeout(timer));
}
