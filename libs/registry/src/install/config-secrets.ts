import { EXTENSIONS_GROUP, type InstallPlanSecret } from '@mortise/api';
import { deleteIfExists, getIfExists, type ResourceStore } from '@mortise/store';
import { createOrReplace } from './extension-objects.js';
import { INSTALL_PLAN_SECRET_KIND } from './install-plan-names.js';
import { SecretSealer } from './secret-sealer.js';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Dotted paths of the fields a JSON Schema marks `writeOnly: true` (object properties, nested). */
export function writeOnlyPaths(schema: unknown, prefix = ''): string[] {
  if (!isObject(schema) || !isObject(schema['properties'])) return [];
  return Object.entries(schema['properties']).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isObject(child) && child['writeOnly'] === true) return [path];
    return writeOnlyPaths(child, path);
  });
}

function readPath(value: JsonObject, path: string): unknown {
  let current: unknown = value;
  for (const key of path.split('.')) current = isObject(current) ? current[key] : undefined;
  return current;
}

function writePath(value: JsonObject, path: string, field: unknown): void {
  const keys = path.split('.');
  let current = value;
  for (const key of keys.slice(0, -1)) {
    if (!isObject(current[key])) current[key] = {};
    current = current[key] as JsonObject;
  }
  current[keys.at(-1)!] = field;
}

function deletePath(value: JsonObject, path: string): void {
  const keys = path.split('.');
  let current: unknown = value;
  for (const key of keys.slice(0, -1)) current = isObject(current) ? current[key] : undefined;
  if (isObject(current)) delete current[keys.at(-1)!];
}

/** Splits a config into what may be stored as is and the write-only values, removed from the copy returned. */
export function splitSecrets(config: JsonObject, paths: string[]): { visible: JsonObject; secrets: JsonObject } {
  const visible = structuredClone(config);
  const secrets: JsonObject = {};
  for (const path of paths) {
    const value = readPath(visible, path);
    if (value === undefined) continue;
    secrets[path] = value;
    deletePath(visible, path);
  }
  return { visible, secrets };
}

/** The config with the secret values put back where they belong. */
export function joinSecrets(config: JsonObject | undefined, secrets: JsonObject): JsonObject {
  const joined = structuredClone(config ?? {});
  for (const [path, value] of Object.entries(secrets)) writePath(joined, path, value);
  return joined;
}

/**
 * The write-only values of InstallPlan configs, each sealed (AES-256-GCM,
 * `SecretSealer`) in the internal InstallPlanSecret kind named after the plan.
 */
export class ConfigSecrets {
  constructor(
    private readonly store: ResourceStore,
    private readonly sealer = new SecretSealer(store),
  ) {}

  /** The decrypted values of a plan, path → value; empty when it has none. */
  async read(plan: string): Promise<JsonObject> {
    const stored = await getIfExists<InstallPlanSecret>(this.store, { ...INSTALL_PLAN_SECRET_KIND, name: plan });
    if (!stored) return {};
    const values: JsonObject = {};
    for (const [path, sealed] of Object.entries(stored.spec.values)) {
      values[path] = JSON.parse(await this.sealer.open(sealed)) as unknown;
    }
    return values;
  }

  /** Replaces the plan's stored values; none deletes the object. */
  async write(plan: string, values: JsonObject): Promise<void> {
    if (Object.keys(values).length === 0) return this.remove(plan);
    const sealed: Record<string, string> = {};
    for (const [path, value] of Object.entries(values)) sealed[path] = await this.sealer.seal(JSON.stringify(value));
    const object: InstallPlanSecret = {
      apiVersion: `${EXTENSIONS_GROUP}/v1`,
      kind: 'InstallPlanSecret',
      metadata: { name: plan },
      spec: { values: sealed },
    };
    await createOrReplace(this.store, object);
  }

  async remove(plan: string): Promise<void> {
    await deleteIfExists(this.store, { ...INSTALL_PLAN_SECRET_KIND, name: plan });
  }
}
