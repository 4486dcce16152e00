import type { SqliteDatabase, SqliteOpenOptions, SqliteRow, SqliteValue } from './sqlite-database.js';

// The slice of `node:sqlite` used here (Node 24); @types/node for Node 20 has no types for it.
interface StatementSync {
  run(...params: SqliteValue[]): unknown;
  get(...params: SqliteValue[]): SqliteRow | undefined;
  all(...params: SqliteValue[]): SqliteRow[];
  iterate(...params: SqliteValue[]): Iterable<SqliteRow>;
}
interface DatabaseSync {
  readonly isOpen: boolean;
  exec(sql: string): void;
  prepare(sql: string): StatementSync;
  close(): void;
}
interface NodeSqlite {
  DatabaseSync: new (path: string, options: { readOnly?: boolean; timeout?: number }) => DatabaseSync;
  backup(source: DatabaseSync, destination: string): Promise<number>;
}

/** `node:sqlite` when this Node has it (with online backup), loaded without importing it statically. */
export function nodeSqliteModule(): NodeSqlite | undefined {
  const load = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  const sqlite = load?.('node:sqlite') as Partial<NodeSqlite> | undefined;
  return typeof sqlite?.DatabaseSync === 'function' && typeof sqlite.backup === 'function'
    ? (sqlite as NodeSqlite)
    : undefined;
}

/** Node's built-in sqlite (Node 24+). */
export function openNodeSqlite(path: string, options: SqliteOpenOptions): SqliteDatabase {
  const sqlite = nodeSqliteModule();
  if (!sqlite) throw new Error(`node:sqlite with backup() is not available in Node ${process.versions.node}`);
  const db = new sqlite.DatabaseSync(path, { readOnly: options.readonly ?? false, timeout: options.timeoutMs ?? 5000 });
  const begin = db.prepare('BEGIN');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  return {
    driver: 'node:sqlite',
    get isOpen() {
      return db.isOpen;
    },
    exec: (sql) => db.exec(sql),
    prepare: (sql) => db.prepare(sql),
    transaction:
      (fn) =>
      (...args) => {
        begin.run();
        try {
          fn(...args);
        } catch (error) {
          rollback.run();
          throw error;
        }
        commit.run();
      },
    backup: async (destinationPath) => void (await sqlite.backup(db, destinationPath)),
    close: () => db.close(),
  };
}
