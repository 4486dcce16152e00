import type { ControllerHost, GroupDispatcherRegistry } from '@mortise/api';
import type { AdmissionChain } from '@mortise/apiserver';
import type { Logger } from '@mortise/observability';
import {
  ConfigSecrets,
  ExtensionCredentials,
  ExtensionHost,
  InstallPlanAdmission,
  SecretSealer,
  InstallPlanController,
  InstallSteps,
  LocalDirectoryPackages,
  WorkspaceGate,
  type PackageSource,
} from '@mortise/registry';
import type { ExtensionRuntime } from '@mortise/runtime';
import type { ResourceStore } from '@mortise/store';
import { KERNEL_VERSION } from '../kernel-version.js';

export interface InstallPlansWiring {
  store: ResourceStore;
  runtime: ExtensionRuntime;
  admission: AdmissionChain;
  dispatchers: GroupDispatcherRegistry;
  logger: Logger;
  /** Runs the controller on the elected leader only. */
  controllers: ControllerHost;
  /** Where packages come from; default: ExtensionVersions whose `spec.location` is an unpacked local directory. */
  packages?: PackageSource;
  /** Defaults to this kernel's own version. */
  kernelVersion?: string;
}

/** The install-plan parts of one kernel; the kernel starts and stops them. */
export interface InstallPlans {
  /** Leader-only: the state machine, validation, dependencies, store objects. */
  controller: InstallPlanController;
  /** Every replica: this kernel's runtime follows the plans. */
  host: ExtensionHost;
  /** Every replica: per-workspace enablement (404 elsewhere). */
  gate: WorkspaceGate;
  /** Service extensions' OAuth client credentials: read and rotated through `installplans/{name}/credentials`. */
  credentials: ExtensionCredentials;
  /** Starts the per-replica parts; the controller host starts the controller where this replica leads. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves once everything seen so far is applied (tests, benchmarks). */
  settled(): Promise<void>;
}

/**
 * Wires install plans into a kernel: the InstallPlan admission (422 before
 * anything is stored), the workspace guard on group dispatch, the
 * per-replica host, and the controller, registered with the controller
 * host so that it runs on the leader only.
 */
export function wireInstallPlans(wiring: InstallPlansWiring): InstallPlans {
  const kernelVersion = wiring.kernelVersion ?? KERNEL_VERSION;
  const packages = wiring.packages ?? new LocalDirectoryPackages();
  const sealer = new SecretSealer(wiring.store);
  const secrets = new ConfigSecrets(wiring.store, sealer);
  const credentials = new ExtensionCredentials(wiring.store, sealer);
  const host = new ExtensionHost({
    store: wiring.store,
    runtime: wiring.runtime,
    packages,
    kernelVersion,
    secrets,
    logger: wiring.logger,
  });
  const controller = new InstallPlanController({
    store: wiring.store,
    packages,
    host,
    kernelVersion,
    secrets,
    credentials,
    logger: wiring.logger,
  });
  const gate = new WorkspaceGate(wiring.store, wiring.logger);
  const steps = new InstallSteps({ store: wiring.store, host, kernelVersion, secrets, credentials });
  wiring.admission.use(new InstallPlanAdmission(wiring.store, steps, secrets, kernelVersion));
  wiring.dispatchers.addGuard((info, group) => gate.check(info, group));
  wiring.controllers.register(controller);
  return {
    controller,
    host,
    gate,
    credentials,
    start: async () => {
      await gate.start();
      await host.start();
    },
    stop: async () => {
      await host.stop();
      await gate.stop();
    },
    settled: async () => {
      await controller.settled();
      await host.settled();
    },
  };
}
