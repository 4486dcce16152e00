import { openBetterSqlite3 } from './better-sqlite3.driver.js';
import { nodeSqliteModule, openNodeSqlite } from './node-sqlite.driver.js';
import type { SqliteDatabase, SqliteDriverName, SqliteOpenOptions } from './sqlite-database.js';

/**
 * Node's built-in `node:sqlite` from Node 24 on, better-sqlite3 before.
 *
 * better-sqlite3 12, the last line that runs on Node 20, aborts the process on
 * Node 24.19+ when V8 collects a finalized statement (an assertion in
 * `RemoveEnvironmentCleanupHook`), so it must never load there. `node:sqlite`
 * does not exist on Node 20 and still prints an ExperimentalWarning on Node 22,
 * where better-sqlite3 works; on Node 24 it is warning-free and has everything
 * the store needs (prepared statements, WAL, online backup).
 */
export function sqliteDriverName(nodeVersion = process.versions.node): SqliteDriverName {
  const major = Number(nodeVersion.split('.')[0]);
  return major >= 24 && nodeSqliteModule() !== undefined ? 'node:sqlite' : 'better-sqlite3';
}

export function openSqliteDatabase(path: string, options: SqliteOpenOptions = {}): SqliteDatabase {
  return sqliteDriverName() === 'node:sqlite' ? openNodeSqlite(path, options) : openBetterSqlite3(path, options);
}
