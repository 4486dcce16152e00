/**
 * Injection tokens for what the kernel shares with Nest feature modules.
 * Plain symbols, so this lib does not depend on Nest. Identity and
 * authorization plug into the pipeline by injecting `REQUEST_PIPELINE` and
 * calling `useAuthenticator` / `useAuthorizer` in `onModuleInit` (before the
 * kernel listens), or through `createKernel`'s options.
 */
export const REQUEST_PIPELINE = Symbol.for('mortise.request-pipeline');
export const PUBLIC_ROUTES = Symbol.for('mortise.public-routes');
export const KIND_REGISTRY = Symbol.for('mortise.kind-registry');
export const RESOURCE_STORE = Symbol.for('mortise.resource-store');
export const READINESS = Symbol.for('mortise.readiness');
export const METRICS = Symbol.for('mortise.metrics');
export const LOGGER = Symbol.for('mortise.logger');
/** The AdmissionChain every generic REST write passes; features add their plugins to it. */
export const ADMISSION = Symbol.for('mortise.admission');
/**
 * The ControllerHost (`@mortise/api`): features register leader-only
 * controllers with `host.register(controller)`; they run on the elected replica.
 */
export const CONTROLLER_HOST = Symbol.for('mortise.controller-host');
