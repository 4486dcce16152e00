/**
 * What extension authors import, and all they import: the registration
 * function, the kernel services' contracts and tokens, and the domain errors.
 * Implementations live in the kernel; an extension compiles against this
 * package alone.
 */
export * from './define-extension.js';
export * from './extension-context.js';
export * from './extension-services.js';
export * from './resource-client.js';
export * from './tokens.js';
export * from './caller.decorator.js';
export {
  AlreadyExistsError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  InvalidError,
  MortiseError,
  NotFoundError,
  ServiceUnavailableError,
  type Resource,
  type ResourceList,
  type ObjectMeta,
  type StatusCause,
  type UserInfo,
} from '@mortise/api';
export * from './verify-identity.js';
export * from './kernel-token-source.js';
