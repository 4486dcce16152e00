import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createStore } from './create-store.js';
import { nodeSqliteModule } from './node-sqlite.driver.js';
import { openSqliteDatabase, sqliteDriverName } from './open-sqlite-database.js';
import { LATEST_SCHEMA_VERSION } from './sqlite-migrations.js';
import { DataDirLockedError, SQLITE_FILE_NAME, SqliteStore } from './sqlite.store.js';
import { runStoreContract } from './testing/store-contract.js';
import { WIDGET, widget } from './testing/store-fixtures.js';

const FIXTURE = fileURLToPath(new URL('./sqlite-process.fixture.js', import.meta.url));
const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mortise-store-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

runStoreContract('sqlite', async ({ historyEvents }) =>
  createStore({
    type: 'sqlite',
    dataDir: freshDir(),
    ...(historyEvents === undefined ? {} : { history: { minEvents: historyEvents, minAgeMs: 0 } }),
  }),
);

describe(SqliteStore.name, () => {
  it('keeps data and watch history across reopen', async () => {
    const dataDir = freshDir();
    const first = SqliteStore.open({ dataDir });
    const a = await first.create(widget('a'));
    const b = await first.create(widget('b'));
    await first.close();
    const second = SqliteStore.open({ dataDir });
    assert.deepEqual(await second.get({ ...WIDGET, name: 'a' }), a);
    const events = second.watch({ kind: WIDGET, resourceVersion: a.metadata.resourceVersion! })[Symbol.asyncIterator]();
    const next = await events.next();
    assert.equal(next.value?.object.metadata.name, 'b');
    const c = await second.create(widget('c'));
    assert.ok(Number(c.metadata.resourceVersion) > Number(b.metadata.resourceVersion));
    await second.close();
  });

  it('loses nothing it reported committed when killed with SIGKILL', async () => {
    const dataDir = freshDir();
    const child = spawn(process.execPath, [FIXTURE, 'write', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    // Listen for the exit from the start, so an exit racing the kill is never missed.
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const printed: string[] = [];
    let buffer = '';
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      const early = () => reject(new Error(`writer exited early after ${printed.length} objects`));
      child.on('exit', early);
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        printed.push(...lines);
        if (printed.length >= 200) {
          child.off('exit', early);
          resolve();
        }
      });
    });
    child.kill('SIGKILL');
    await exited;
    // A trailing line without its newline was cut by the kill mid-write: the
    // writer never finished reporting it, so it is not a committed claim.
    const store = SqliteStore.open({ dataDir });
    const stored = new Set((await store.list(WIDGET)).items.map((o) => o.metadata.name));
    const missing = printed.filter((name) => !stored.has(name));
    assert.deepEqual(missing, []);
    await store.close();
  });

  it('writes a backup another store can open', async () => {
    const store = SqliteStore.open({ dataDir: freshDir() });
    for (const name of ['a', 'b', 'c']) await store.create(widget(name));
    const copyDir = freshDir();
    await store.backup(join(copyDir, SQLITE_FILE_NAME));
    await store.create(widget('after-backup'));
    const copy = SqliteStore.open({ dataDir: copyDir });
    assert.deepEqual(
      (await copy.list(WIDGET)).items.map((o) => o.metadata.name),
      ['a', 'b', 'c'],
    );
    await Promise.all([copy.close(), store.close()]);
  });

  it('refuses a second process on the same data dir, and lets it in once closed', async () => {
    const dataDir = freshDir();
    const store = SqliteStore.open({ dataDir });
    const refused = spawnSync(process.execPath, [FIXTURE, 'open', dataDir], { encoding: 'utf8' });
    assert.equal(refused.status, 2, refused.stdout);
    assert.match(refused.stdout, /refused: the data dir .* is in use by another Mortise process/);
    assert.throws(() => SqliteStore.open({ dataDir }), DataDirLockedError);
    await store.close();
    const admitted = spawnSync(process.execPath, [FIXTURE, 'open', dataDir], { encoding: 'utf8' });
    assert.equal(admitted.stdout, 'opened\n');
  });

  it('records the latest schema version', async () => {
    const dataDir = freshDir();
    await SqliteStore.open({ dataDir }).close();
    const db = openSqliteDatabase(join(dataDir, SQLITE_FILE_NAME), { readonly: true });
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    const journal = db.prepare('PRAGMA journal_mode').get();
    db.close();
    assert.equal(versions.at(-1)?.version, LATEST_SCHEMA_VERSION);
    assert.equal(journal?.journal_mode, 'wal');
  });

  it('runs on better-sqlite3 before Node 24 and on node:sqlite from Node 24 on', () => {
    assert.equal(sqliteDriverName('20.19.0'), 'better-sqlite3');
    assert.equal(sqliteDriverName('22.21.0'), 'better-sqlite3');
    // From Node 24 on, node:sqlite is taken when the running Node has it (Node 22.23 has it too, behind a warning).
    const builtIn = nodeSqliteModule() !== undefined;
    assert.equal(sqliteDriverName('24.21.0'), builtIn ? 'node:sqlite' : 'better-sqlite3');
  });
});
