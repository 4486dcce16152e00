import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  AlreadyExistsError,
  EXTENSIONS_GROUP,
  NotFoundError,
  type ConfigEncryptionKey,
  type InstallPlanSecret,
} from '@mortise/api';
import type { ResourceStore } from '@mortise/store';
import { createOrReplace } from './extension-objects.js';
import { INSTALL_PLAN_SECRET_KIND } from './install-plan-names.js';

const PREFIX = 'enc:v1:';
const KEY_REF = { group: EXTENSIONS_GROUP, kind: 'ConfigEncryptionKey', name: 'config-encryption' };

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
 * The write-only values of InstallPlan configs, AES-256-GCM encrypted in the
 * internal InstallPlanSecret kind under one random key kept in the internal
 * ConfigEncryptionKey kind (Secrets on the kubernetes backend), created on
 * first use; every replica reads the same key.
 */
export class ConfigSecrets {
  private key: Promise<Buffer> | undefined;

  constructor(private readonly store: ResourceStore) {}

  /** The decrypted values of a plan, path → value; empty when it has none. */
  async read(plan: string): Promise<JsonObject> {
    let stored: InstallPlanSecret;
    try {
      stored = (await this.store.get({ ...INSTALL_PLAN_SECRET_KIND, name: plan })) as InstallPlanSecret;
    } catch (err) {
      if (err instanceof NotFoundError) return {};
      throw err;
    }
    const key = await this.encryptionKey();
    return Object.fromEntries(
      Object.entries(stored.spec.values).map(([path, sealed]) => [path, JSON.parse(open(key, sealed)) as unknown]),
    );
  }

  /** Replaces the plan's stored values; none deletes the object. */
  async write(plan: string, values: JsonObject): Promise<void> {
    if (Object.keys(values).length === 0) return this.remove(plan);
    const key = await this.encryptionKey();
    const object: InstallPlanSecret = {
      apiVersion: `${EXTENSIONS_GROUP}/v1`,
      kind: 'InstallPlanSecret',
      metadata: { name: plan },
      spec: { values: Object.fromEntries(Object.entries(values).map(([p, v]) => [p, seal(key, JSON.stringify(v))])) },
    };
    await createOrReplace(this.store, object);
  }

  async remove(plan: string): Promise<void> {
    await this.store.delete({ ...INSTALL_PLAN_SECRET_KIND, name: plan }).catch((err: unknown) => {
      if (!(err instanceof NotFoundError)) throw err;
    });
  }

  private encryptionKey(): Promise<Buffer> {
    this.key ??= this.loadOrCreateKey().catch((err: unknown) => {
      this.key = undefined;
      throw err;
    });
    return this.key;
  }

  private async loadOrCreateKey(): Promise<Buffer> {
    try {
      return Buffer.from(((await this.store.get(KEY_REF)) as ConfigEncryptionKey).spec.key, 'base64');
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
    const object: ConfigEncryptionKey = {
      apiVersion: `${EXTENSIONS_GROUP}/v1`,
      kind: 'ConfigEncryptionKey',
      metadata: { name: KEY_REF.name },
      spec: { key: randomBytes(32).toString('base64') },
    };
    try {
      await this.store.create(object);
      return Buffer.from(object.spec.key, 'base64');
    } catch (err) {
      // Another replica created it first: use theirs.
      if (!(err instanceof AlreadyExistsError)) throw err;
      return Buffer.from(((await this.store.get(KEY_REF)) as ConfigEncryptionKey).spec.key, 'base64');
    }
  }
}

function seal(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${PREFIX}${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${body.toString('base64url')}`;
}

function open(key: Buffer, sealed: string): string {
  const [iv, tag, body] = sealed.slice(PREFIX.length).split('.');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv ?? '', 'base64url'));
  decipher.setAuthTag(Buffer.from(tag ?? '', 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body ?? '', 'base64url')), decipher.final()]).toString('utf8');
}
