import type { Type } from '@nestjs/common';
import type { ExtensionIdentity, ExtensionLogger, ExtensionMetrics } from './extension-services.js';

/** What `register` receives: the extension's identity, services, and its lifecycle hooks. */
export interface ExtensionRegistrar<C = unknown> {
  readonly identity: ExtensionIdentity;
  /** Already validated against `configSchema`. */
  readonly config: C;
  readonly logger: ExtensionLogger;
  readonly metrics: ExtensionMetrics;
  /** Runs after the module booted and before the first request is routed to it. */
  onStart(hook: () => void | Promise<void>): void;
  /** Runs after the last in-flight request finished, before the module closes (upgrade, disable, uninstall). */
  onStop(hook: () => void | Promise<void>): void;
}

export interface ExtensionDefinitionInput<C = unknown> {
  /** The root Nest module: its controllers serve under `/kapis/{group}/{version}/`. */
  module: Type<unknown>;
  /** Optional early wiring: check config semantics (throw with a message that names the fix), add lifecycle hooks. */
  register?: (registrar: ExtensionRegistrar<C>) => void | Promise<void>;
}

const DEFINITION_MARK = Symbol.for('mortise.sdk.extension-definition');

export interface ExtensionDefinition<C = unknown> extends ExtensionDefinitionInput<C> {
  readonly [DEFINITION_MARK]: true;
}

/** The metadata keys `@Module({...})` writes. */
const MODULE_KEYS = ['imports', 'providers', 'controllers', 'exports'];

function isNestModule(value: unknown): boolean {
  return typeof value === 'function' && MODULE_KEYS.some((key) => Reflect.hasMetadata(key, value));
}

/**
 * The one registration of an extension; the package's default export. Name,
 * version, kinds, roles and menu entries come from `extension.yaml`. Fails
 * at import with a message that says what to change.
 */
export function defineExtension<C = unknown>(input: ExtensionDefinitionInput<C>): ExtensionDefinition<C> {
  if (!isNestModule(input.module)) {
    throw new TypeError(
      'defineExtension: `module` must be a Nest module class (decorated with @Module({...}) listing at least its controllers or providers)',
    );
  }
  if (input.register !== undefined && typeof input.register !== 'function') {
    throw new TypeError('defineExtension: `register` must be a function (registrar) => void');
  }
  return Object.freeze({ ...input, [DEFINITION_MARK]: true as const });
}

export function isExtensionDefinition(value: unknown): value is ExtensionDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DEFINITION_MARK] === true;
}
