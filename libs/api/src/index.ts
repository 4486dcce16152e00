export * from './errors.js';
export * from './status.js';
export * from './object-meta.schema.js';
export * from './object-name.js';
export * from './kind-definition.js';
export * from './kind-registry.js';
export * from './group-registry.js';
export * from './request-context.js';
