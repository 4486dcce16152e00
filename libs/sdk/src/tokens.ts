import { Inject } from '@nestjs/common';

/**
 * Injection tokens of the kernel services an extension receives. They are
 * registered symbols, so the kernel and every extension agree on them even
 * across module instances.
 */
export const EXTENSION_AUTHORIZER = Symbol.for('mortise.sdk.authorizer');
export const RESOURCE_CLIENT = Symbol.for('mortise.sdk.resource-client');
export const EXTENSION_CONFIG = Symbol.for('mortise.sdk.config');
export const EXTENSION_LOGGER = Symbol.for('mortise.sdk.logger');
export const EXTENSION_METRICS = Symbol.for('mortise.sdk.metrics');
export const EXTENSION_IDENTITY = Symbol.for('mortise.sdk.identity');

/** Injects the `ExtensionAuthorizer`. */
export const InjectAuthorizer = (): ParameterDecorator => Inject(EXTENSION_AUTHORIZER);
/** Injects the `ResourceClient` for the declared kinds. */
export const InjectResources = (): ParameterDecorator => Inject(RESOURCE_CLIENT);
/** Injects the extension's config, validated against `configSchema`. */
export const InjectConfig = (): ParameterDecorator => Inject(EXTENSION_CONFIG);
/** Injects the `ExtensionLogger`. */
export const InjectLogger = (): ParameterDecorator => Inject(EXTENSION_LOGGER);
/** Injects the `ExtensionMetrics`. */
export const InjectMetrics = (): ParameterDecorator => Inject(EXTENSION_METRICS);
/** Injects the `ExtensionIdentity`. */
export const InjectIdentity = (): ParameterDecorator => Inject(EXTENSION_IDENTITY);
