import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SQLITE_FILE_NAME, SqliteStore } from '@mortise/store';
import { startAccessControlKernel, type AccessControlKernel } from '../testing/access-control-fixture.js';

const TENANT = '/kapis/tenant.mortise.io/v1';
const WIDGETS = '/kapis/example.mortise.io/v1/namespaces/shop/widgets';

function widget(name: string): unknown {
  return { apiVersion: 'example.mortise.io/v1', kind: 'Widget', metadata: { name }, spec: { size: 1 } };
}

describe('POST /backups on the sqlite store', () => {
  let k: AccessControlKernel;
  let dataDir: string;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mortise-backup-'));
    k = await startAccessControlKernel({ config: { store: 'sqlite', dataDir } });
    const ws = { apiVersion: 'tenant.mortise.io/v1', kind: 'Workspace', metadata: { name: 'team' }, spec: {} };
    assert.equal((await k.as('admin', 'POST', `${TENANT}/workspaces`, { body: ws })).status, 201);
    const project = { apiVersion: 'tenant.mortise.io/v1', kind: 'Project', metadata: { name: 'shop' }, spec: {} };
    const created = await k.as('admin', 'POST', `${TENANT}/workspaces/team/projects`, { body: project });
    assert.equal(created.status, 201, created.text);
    assert.equal((await k.as('admin', 'POST', WIDGETS, { body: widget('saved') })).status, 201);
  });
  after(async () => {
    await k.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes a copy a store opens, with the data, while the kernel keeps serving', async () => {
    const res = await k.as('admin', 'POST', '/backups');
    assert.equal(res.status, 201, res.text);
    assert.equal(dirname(res.body.path), join(dataDir, 'backups'));
    assert.match(res.body.path, /mortise-\d{8}T\d{9}Z\.db$/);
    assert.ok(res.body.sizeBytes > 0);
    assert.ok(Math.abs(Date.parse(res.body.createdAt) - Date.now()) < 60_000);
    // Still serving, and what is written after the backup stays out of it.
    assert.equal((await k.as('admin', 'POST', WIDGETS, { body: widget('later') })).status, 201);

    const restoreDir = mkdtempSync(join(tmpdir(), 'mortise-restore-'));
    try {
      copyFileSync(res.body.path, join(restoreDir, SQLITE_FILE_NAME));
      const copy = SqliteStore.open({ dataDir: restoreDir });
      const widgets = await copy.list({ group: 'example.mortise.io', kind: 'Widget' });
      assert.deepEqual(
        widgets.items.map((o) => o.metadata.name),
        ['saved'],
      );
      await copy.close();
    } finally {
      rmSync(restoreDir, { recursive: true, force: true });
    }
  });

  it('refuses an authenticated caller who is not a platform admin with 403', async () => {
    const res = await k.as('someone', 'POST', '/backups');
    assert.equal(res.status, 403, res.text);
    assert.equal(res.body.kind, 'Status');
  });

  it('asks an anonymous caller to authenticate with 401', async () => {
    const res = await k.as('anonymous', 'POST', '/backups');
    assert.equal(res.status, 401, res.text);
  });
});

describe('POST /backups on a store without online backup', () => {
  let k: AccessControlKernel;
  before(async () => {
    k = await startAccessControlKernel({ config: { store: 'memory' } });
  });
  after(() => k.close());

  it('answers a 400 Status saying only the sqlite store backs up online', async () => {
    const res = await k.as('admin', 'POST', '/backups');
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.kind, 'Status');
    assert.match(res.body.message, /only the sqlite store/);
  });
});
