import type { SqliteDatabase } from './sqlite-database.js';

/**
 * Forward-only schema migrations. Append a new entry for each change; never
 * edit one that has shipped. Each runs in its own transaction together with
 * its row in `schema_migrations`.
 */
export const MIGRATIONS: readonly { version: number; description: string; sql: string }[] = [
  {
    version: 1,
    description: 'objects, change history and the global resourceVersion',
    sql: `
      CREATE TABLE objects (
        grp TEXT NOT NULL,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        resource_version INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (grp, kind, key)
      ) WITHOUT ROWID;
      CREATE TABLE events (
        resource_version INTEGER PRIMARY KEY,
        type TEXT NOT NULL,
        grp TEXT NOT NULL,
        kind TEXT NOT NULL,
        time INTEGER NOT NULL,
        object TEXT NOT NULL,
        previous TEXT
      );
      CREATE TABLE store_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        resource_version INTEGER NOT NULL
      );
      INSERT INTO store_state (id, resource_version) VALUES (1, 0);
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/** Brings the schema to the latest version; refuses a database written by a newer release. */
export function migrate(db: SqliteDatabase): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const current = schemaVersion(db);
  if (current > LATEST_SCHEMA_VERSION) {
    throw new Error(
      `the data dir holds schema version ${current}, newer than this release understands (${LATEST_SCHEMA_VERSION}); run a newer Mortise or restore a backup`,
    );
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)');
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.description, new Date().toISOString());
    })();
  }
}

export function schemaVersion(db: SqliteDatabase): number {
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null };
  return row.version ?? 0;
}
