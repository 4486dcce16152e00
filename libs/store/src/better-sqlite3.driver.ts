import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteOpenOptions, SqliteStatement } from './sqlite-database.js';

/**
 * better-sqlite3 12 (Node 20 and 22). Required on first open rather than
 * imported, so a process that uses `node:sqlite` never loads its addon.
 */
export function openBetterSqlite3(path: string, options: SqliteOpenOptions): SqliteDatabase {
  const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  const db = new Database(path, { readonly: options.readonly ?? false, timeout: options.timeoutMs ?? 5000 });
  return {
    driver: 'better-sqlite3',
    get isOpen() {
      return db.open;
    },
    exec: (sql) => void db.exec(sql),
    prepare: (sql) => db.prepare(sql) as unknown as SqliteStatement,
    transaction: (fn) => db.transaction(fn),
    backup: async (destinationPath) => void (await db.backup(destinationPath)),
    close: () => db.close(),
  };
}
