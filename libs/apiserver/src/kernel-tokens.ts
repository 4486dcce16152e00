/**
 * Injection tokens for what the kernel shares with feature modules. Plain
 * symbols, so this lib does not depend on Nest. Identity provides
 * `AUTHENTICATORS` (or calls `useAuthenticator` on `REQUEST_PIPELINE`),
 * authorization provides `AUTHORIZER`.
 */
export const AUTHENTICATORS = Symbol.for('mortise.authenticators');
export const AUTHORIZER = Symbol.for('mortise.authorizer');
export const REQUEST_PIPELINE = Symbol.for('mortise.request-pipeline');
export const PUBLIC_ROUTES = Symbol.for('mortise.public-routes');
export const KIND_REGISTRY = Symbol.for('mortise.kind-registry');
export const RESOURCE_STORE = Symbol.for('mortise.resource-store');
export const READINESS = Symbol.for('mortise.readiness');
export const METRICS = Symbol.for('mortise.metrics');
export const LOGGER = Symbol.for('mortise.logger');
