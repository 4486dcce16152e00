import type { Resource } from '@mortise/api';
import type { ChangeRecord } from './change-record.js';

/**
 * Synchronous storage under a TableStore (memory maps, a sqlite file). The
 * store does every check and computes every change; a table only reads and
 * commits, atomically, one change at a time.
 */
export interface ObjectTable {
  /** The latest committed resourceVersion (0 when empty). */
  readonly resourceVersion: number;
  get(group: string, kind: string, key: string): Resource | undefined;
  /** Objects of one kind in key order (see `objectKey`), strictly after `afterKey`, optionally in one scope. */
  scan(group: string, kind: string, options: { scope?: string; afterKey?: string }): Iterable<Resource>;
  /** Every object, optionally of one kind: the snapshot a fresh watch starts from. */
  all(kind?: { group: string; kind: string }): Iterable<Resource>;
  /**
   * Commits one change and its history record at `record.resourceVersion`
   * (always the current version + 1): DELETED removes the object at `key`,
   * anything else stores `record.object` there.
   */
  commit(record: ChangeRecord, key: string): void;
  ping(): void;
  close(): void;
}
