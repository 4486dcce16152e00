export * from './deferred-child-logger.js';
export * from './logger.js';
export * from './metrics.js';
export * from './readiness-registry.js';
