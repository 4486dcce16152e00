import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ChangeRecord } from './change-record.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { isSqliteBusy, type SqliteDatabase } from './sqlite-database.js';
import { migrate } from './sqlite-migrations.js';
import { SqliteObjectTable } from './sqlite-object-table.js';
import { TableStore, type TableStoreOptions } from './table.store.js';

export const SQLITE_FILE_NAME = 'mortise.db';
/** History rows are deleted in batches, not on every write. */
const PRUNE_EVERY_COMMITS = 256;

export interface SqliteStoreOptions extends TableStoreOptions {
  /** Directory holding the one database file; created when missing. */
  dataDir: string;
}

/** Another process holds the data dir. */
export class DataDirLockedError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `the data dir ${dataDir} is in use by another Mortise process (or another store in this one); stop it or start with a different data dir`,
    );
    this.name = 'DataDirLockedError';
  }
}

/**
 * The default backend: one sqlite file in the data dir.
 *
 * - WAL with `synchronous=FULL`: every commit is fsynced before the call
 *   returns, so nothing reported committed is lost to kill -9, an OS crash or
 *   power loss. (`NORMAL` would survive kill -9 too but may lose the last
 *   commits on power loss; control-plane writes are few, the fsync is cheap.)
 * - `locking_mode=EXCLUSIVE`, taken at open and held until close: the OS lock
 *   keeps a second process out and is released even on kill -9, unlike a PID
 *   file. Read the file with `backup()` while the kernel runs.
 */
export class SqliteStore extends TableStore {
  private readonly db: SqliteDatabase;
  private readonly sqliteTable: SqliteObjectTable;
  private commitsSincePrune = 0;

  private constructor(db: SqliteDatabase, table: SqliteObjectTable, options: TableStoreOptions) {
    super(table, options, table.history());
    this.db = db;
    this.sqliteTable = table;
    this.sqliteTable.pruneHistory(this.hub.floor);
  }

  /** Opens (creating and migrating as needed) the store in `options.dataDir`; throws DataDirLockedError when taken. */
  static open(options: SqliteStoreOptions): SqliteStore {
    mkdirSync(options.dataDir, { recursive: true });
    const db = openSqliteDatabase(join(options.dataDir, SQLITE_FILE_NAME), { timeoutMs: 200 });
    try {
      db.exec('PRAGMA locking_mode = EXCLUSIVE');
      db.exec('PRAGMA journal_mode = WAL');
      // The first write transaction takes the exclusive lock now rather than on first use.
      db.exec('BEGIN EXCLUSIVE; COMMIT');
      db.exec('PRAGMA synchronous = FULL');
      db.exec('PRAGMA foreign_keys = ON');
      migrate(db);
    } catch (error) {
      db.close();
      if (isSqliteBusy(error)) throw new DataDirLockedError(options.dataDir);
      throw error;
    }
    return new SqliteStore(db, new SqliteObjectTable(db), options);
  }

  /** Writes a consistent copy of the database to `destinationPath` while the store keeps serving. */
  async backup(destinationPath: string): Promise<void> {
    await this.db.backup(destinationPath);
  }

  protected override afterCommit(_record: ChangeRecord): void {
    if (++this.commitsSincePrune < PRUNE_EVERY_COMMITS) return;
    this.commitsSincePrune = 0;
    this.sqliteTable.pruneHistory(this.hub.floor);
  }
}
