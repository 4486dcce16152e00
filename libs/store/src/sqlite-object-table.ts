import type { Resource } from '@mortise/api';
import type { ChangeRecord } from './change-record.js';
import type { ObjectTable } from './object-table.js';
import type { SqliteDatabase, SqliteRow } from './sqlite-database.js';

interface EventRow {
  resource_version: number;
  type: ChangeRecord['type'];
  grp: string;
  kind: string;
  time: number;
  object: string;
  previous: string | null;
}

/** Objects as JSON rows keyed by (group, kind, key); each commit is one transaction with its history row. */
export class SqliteObjectTable implements ObjectTable {
  private version: number;
  private readonly statements;
  private readonly commitTransaction;

  constructor(private readonly db: SqliteDatabase) {
    const s = {
      get: db.prepare('SELECT data FROM objects WHERE grp = ? AND kind = ? AND key = ?'),
      scan: db.prepare('SELECT data FROM objects WHERE grp = ? AND kind = ? AND key > ? ORDER BY key'),
      scanScope: db.prepare(
        'SELECT data FROM objects WHERE grp = ? AND kind = ? AND key > ? AND key >= ? AND key < ? ORDER BY key',
      ),
      allOfKind: db.prepare('SELECT data FROM objects WHERE grp = ? AND kind = ?'),
      all: db.prepare('SELECT data FROM objects'),
      put: db.prepare(
        'INSERT INTO objects (grp, kind, key, resource_version, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT (grp, kind, key) DO UPDATE SET resource_version = excluded.resource_version, data = excluded.data',
      ),
      remove: db.prepare('DELETE FROM objects WHERE grp = ? AND kind = ? AND key = ?'),
      event: db.prepare(
        'INSERT INTO events (resource_version, type, grp, kind, time, object, previous) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      setVersion: db.prepare('UPDATE store_state SET resource_version = ? WHERE id = 1'),
      version: db.prepare('SELECT resource_version FROM store_state WHERE id = 1'),
      history: db.prepare('SELECT * FROM events ORDER BY resource_version'),
      prune: db.prepare('DELETE FROM events WHERE resource_version <= ?'),
      ping: db.prepare('SELECT 1'),
    };
    this.statements = s;
    this.version = s.version.get()?.resource_version as number;
    this.commitTransaction = db.transaction((record: ChangeRecord, key: string) => {
      if (record.type === 'DELETED') s.remove.run(record.group, record.kind, key);
      else s.put.run(record.group, record.kind, key, record.resourceVersion, JSON.stringify(record.object));
      s.event.run(
        record.resourceVersion,
        record.type,
        record.group,
        record.kind,
        record.time,
        JSON.stringify(record.object),
        record.previous ? JSON.stringify(record.previous) : null,
      );
      s.setVersion.run(record.resourceVersion);
    });
  }

  get resourceVersion(): number {
    return this.version;
  }

  get(group: string, kind: string, key: string): Resource | undefined {
    const row = this.statements.get.get(group, kind, key);
    return row === undefined ? undefined : parseData(row);
  }

  *scan(group: string, kind: string, options: { scope?: string; afterKey?: string }): Iterable<Resource> {
    const after = options.afterKey ?? '';
    // Keys are `<scope>/<name>`: one scope is the key range [`scope/`, `scope0`), '0' following '/'.
    const rows =
      options.scope === undefined
        ? this.statements.scan.iterate(group, kind, after)
        : this.statements.scanScope.iterate(group, kind, after, `${options.scope}/`, `${options.scope}0`);
    for (const row of rows) yield parseData(row);
  }

  *all(kind?: { group: string; kind: string }): Iterable<Resource> {
    const rows = kind ? this.statements.allOfKind.iterate(kind.group, kind.kind) : this.statements.all.iterate();
    for (const row of rows) yield parseData(row);
  }

  commit(record: ChangeRecord, key: string): void {
    this.commitTransaction(record, key);
    this.version = record.resourceVersion;
  }

  /** The retained change history, oldest first, to seed watches after a restart. */
  history(): ChangeRecord[] {
    return (this.statements.history.all() as unknown as EventRow[]).map((row) => {
      const record: ChangeRecord = {
        type: row.type,
        resourceVersion: row.resource_version,
        group: row.grp,
        kind: row.kind,
        time: row.time,
        object: JSON.parse(row.object) as Resource,
      };
      if (row.previous !== null) record.previous = JSON.parse(row.previous) as Resource;
      return record;
    });
  }

  /** Drops history at or below `version` (what watches can no longer resume from). */
  pruneHistory(version: number): void {
    this.statements.prune.run(version);
  }

  ping(): void {
    this.statements.ping.get();
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

function parseData(row: SqliteRow): Resource {
  return JSON.parse(row.data as string) as Resource;
}
