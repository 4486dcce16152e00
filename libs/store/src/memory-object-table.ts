import type { Resource } from '@mortise/api';
import type { ChangeRecord } from './change-record.js';
import { kindLabel } from './object-key.js';
import type { ObjectTable } from './object-table.js';

/** Objects in maps, one per kind, with each kind's sorted keys cached until a key is added or removed. */
export class MemoryObjectTable implements ObjectTable {
  private readonly kinds = new Map<string, Map<string, Resource>>();
  private readonly sortedKeys = new Map<string, string[]>();
  private version = 0;

  get resourceVersion(): number {
    return this.version;
  }

  get(group: string, kind: string, key: string): Resource | undefined {
    return this.kinds.get(kindLabel({ group, kind }))?.get(key);
  }

  *scan(group: string, kind: string, options: { scope?: string; afterKey?: string }): Iterable<Resource> {
    const label = kindLabel({ group, kind });
    const objects = this.kinds.get(label);
    if (!objects) return;
    let keys = this.sortedKeys.get(label);
    if (!keys) this.sortedKeys.set(label, (keys = [...objects.keys()].sort()));
    const prefix = options.scope === undefined ? undefined : `${options.scope}/`;
    const start = options.afterKey === undefined ? 0 : firstAfter(keys, options.afterKey);
    for (let i = start; i < keys.length; i++) {
      const key = keys[i];
      if (prefix !== undefined && !key.startsWith(prefix)) {
        // One scope's keys are contiguous: past them, nothing more can match.
        if (key > prefix) break;
        continue;
      }
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
    const keysChange = record.type === 'DELETED' || !objects.has(key);
    if (record.type === 'DELETED') objects.delete(key);
    else objects.set(key, record.object);
    if (keysChange) this.sortedKeys.delete(label);
    this.version = record.resourceVersion;
  }

  ping(): void {}

  close(): void {}
}

/** Index of the first key strictly greater than `after`. */
function firstAfter(keys: string[], after: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (keys[mid] <= after) low = mid + 1;
    else high = mid;
  }
  return low;
}
