import { ConflictError, NotFoundError } from './errors.js';
import type { ApiGroupRegistry } from './group-registry.js';
import type { KindDefinition } from './kind-definition.js';

export type KindRegistryEvent = { type: 'added' | 'removed'; kind: KindDefinition };

/**
 * Kinds known to this kernel. Later features and extensions add kinds at run
 * time, so the REST layer resolves the kind on every request instead of
 * binding a controller per kind.
 */
export class KindRegistry {
  /** group → version → plural: a request's lookup builds no key string (it runs on every request). */
  private readonly byPlural = new Map<string, Map<string, Map<string, KindDefinition>>>();
  private readonly byKind = new Map<string, KindDefinition>();
  private readonly listeners = new Set<(event: KindRegistryEvent) => void>();

  constructor(private readonly groups?: ApiGroupRegistry) {}

  register(def: KindDefinition): void {
    const kindKey = `${def.group}/${def.kind}`;
    const existing = this.findByPlural(def.group, def.version, def.plural) ?? this.byKind.get(kindKey);
    if (existing && existing !== def) {
      throw new ConflictError(`kind ${def.kind} (${def.group}/${def.version}/${def.plural}) is already registered`, {
        group: def.group,
        kind: def.kind,
      });
    }
    if (this.groups) this.groups.claim(def.group, def.owner ?? { type: 'kernel' });
    let versions = this.byPlural.get(def.group);
    if (!versions) this.byPlural.set(def.group, (versions = new Map<string, Map<string, KindDefinition>>()));
    let plurals = versions.get(def.version);
    if (!plurals) versions.set(def.version, (plurals = new Map<string, KindDefinition>()));
    plurals.set(def.plural, def);
    this.byKind.set(kindKey, def);
    for (const listener of this.listeners) listener({ type: 'added', kind: def });
  }

  unregister(group: string, kind: string): void {
    const def = this.byKind.get(`${group}/${kind}`);
    if (!def) return;
    this.byKind.delete(`${group}/${kind}`);
    const versions = this.byPlural.get(def.group);
    const plurals = versions?.get(def.version);
    plurals?.delete(def.plural);
    if (plurals?.size === 0) versions?.delete(def.version);
    if (versions?.size === 0) this.byPlural.delete(def.group);
    for (const listener of this.listeners) listener({ type: 'removed', kind: def });
  }

  /** The kind served at `/kapis/{group}/{version}/{plural}`, internal kinds included. */
  findByPlural(group: string, version: string, plural: string): KindDefinition | undefined {
    return this.byPlural.get(group)?.get(version)?.get(plural);
  }

  findByKind(group: string, kind: string): KindDefinition | undefined {
    return this.byKind.get(`${group}/${kind}`);
  }

  getByKind(group: string, kind: string): KindDefinition {
    const def = this.findByKind(group, kind);
    if (!def) throw new NotFoundError(`kind ${kind} in group "${group}" is not registered`, { group, kind });
    return def;
  }

  list(): KindDefinition[] {
    return [...this.byKind.values()];
  }

  onChange(listener: (event: KindRegistryEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
