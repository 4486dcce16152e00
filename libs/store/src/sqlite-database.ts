export type SqliteValue = string | number | bigint | null;
export type SqliteRow = Record<string, unknown>;

export interface SqliteStatement {
  run(...params: SqliteValue[]): void;
  get(...params: SqliteValue[]): SqliteRow | undefined;
  all(...params: SqliteValue[]): SqliteRow[];
  iterate(...params: SqliteValue[]): Iterable<SqliteRow>;
}

/** The part of a sqlite driver the store uses; both drivers below implement it. */
export interface SqliteDatabase {
  /** `better-sqlite3` or `node:sqlite`. */
  readonly driver: SqliteDriverName;
  readonly isOpen: boolean;
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  /** Wraps `fn` so each call runs in one transaction, rolled back if it throws. */
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  /** Online backup to a new file while the database keeps serving. */
  backup(destinationPath: string): Promise<void>;
  close(): void;
}

export type SqliteDriverName = 'better-sqlite3' | 'node:sqlite';

export interface SqliteOpenOptions {
  readonly?: boolean;
  /** How long to wait on a lock another connection holds before failing busy. */
  timeoutMs?: number;
}

/** Another connection holds the lock (SQLITE_BUSY or SQLITE_LOCKED), in either driver's error shape. */
export function isSqliteBusy(error: unknown): boolean {
  const { code, errcode } = (error ?? {}) as { code?: unknown; errcode?: unknown };
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return true;
  // node:sqlite reports the (possibly extended) result code; the low byte is the primary one.
  return typeof errcode === 'number' && [SQLITE_BUSY, SQLITE_LOCKED].includes(errcode & 0xff);
}

const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
