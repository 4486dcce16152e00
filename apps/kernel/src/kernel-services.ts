import type { ControllerHost, KindRegistry } from '@mortise/api';
import type { AdmissionChain, RequestPipeline } from '@mortise/apiserver';
import type { KernelMetrics, Logger, ReadinessRegistry } from '@mortise/observability';
import type { ResourceStore } from '@mortise/store';

/** What the kernel builds once and shares with its routes and feature modules. */
export interface KernelServices {
  kinds: KindRegistry;
  store: ResourceStore;
  pipeline: RequestPipeline;
  admission: AdmissionChain;
  readiness: ReadinessRegistry;
  metrics: KernelMetrics;
  logger: Logger;
  /** Leader-only controllers: `controllers.register(controller)`; they run on the elected replica. */
  controllers: ControllerHost;
}
