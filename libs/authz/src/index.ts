export * from './access-subject.js';
export * from './rbac-types.js';
export * from './rbac-kinds.js';
export * from './rbac-objects.js';
export * from './role-aggregation.js';
export * from './rule-compiler.js';
export * from './rbac-index.js';
export * from './rbac-authorizer.js';
