import type { Resource } from '@mortise/api';
import type { ChangeRecord } from './change-record.js';
import { kindLabel } from './object-key.js';
import type { ObjectTable } from './object-table.js';

/** Objects in maps, one per kind; lists sort keys on demand (fine at test and laptop sizes). */
export class MemoryObjectTable implements ObjectTable {
  private readonly kinds = new Map<string, Map<string, Resource>>();
  private version = 0;

  get resourceVersion(): number {
    return this.version;
  }

  get(group: string, kind: string, key: string): Resource | undefined {
    return this.kinds.get(kindLabel({ group, kind }))?.get(key);
  }

  *scan(group: string, kind: string, options: { scope?: string; afterKey?: string }): Iterable<Resource> {
    const objects = this.kinds.get(kindLabel({ group, kind }));
    if (!objects) return;
    const prefix = options.scope === undefined ? undefined : `${options.scope}/`;
    const keys = [...objects.keys()]
      .filter(
        (key) =>
          (prefix === undefined || key.startsWith(prefix)) &&
          (options.afterKey === undefined || key > options.afterKey),
      )
      .sort();
    for (const key of keys) {
      const object = objects.get(key);
      if (object) yield object;
    }
  }

  *all(kind?: { group: string; kind: string }): Iterable<Resource> {
    if (kind) {
      yield* this.kinds.get(kindLabel(kind))?.values() ?? [];
      return;
    }
    for (const objects of this.kinds.values()) yield* objects.values();
  }

  commit(record: ChangeRecord, key: string): void {
    const label = kindLabel(record);
    let objects = this.kinds.get(label);
    if (!objects) this.kinds.set(label, (objects = new Map<string, Resource>()));
    if (record.type === 'DELETED') objects.delete(key);
    else objects.set(key, record.object);
    this.version = record.resourceVersion;
  }

  ping(): void {}

  close(): void {}
}
