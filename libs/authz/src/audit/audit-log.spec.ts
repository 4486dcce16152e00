import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestInfo } from '@mortise/api';
import { AuditLog } from './audit-log.js';
import { auditEventOf, isAudited, type AuditEvent } from './audit-event.js';

const info: RequestInfo = {
  isResourceRequest: true,
  path: '/kapis/tenant.mortise.io/v1/workspaces/w1',
  verb: 'delete',
  apiGroup: 'tenant.mortise.io',
  apiVersion: 'v1',
  resource: 'workspaces',
  subresource: '',
  name: 'w1',
  scope: 'global',
  workspace: 'w1',
  project: '',
};

function event(user: string, time: string, code = 200): AuditEvent {
  return auditEventOf({
    caller: { user: { username: user, uid: user, groups: [] }, credential: 'token' },
    info,
    code,
    sourceIP: '10.0.0.1',
    time: new Date(time),
  });
}

describe(AuditLog.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'audit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('records events and answers queries by time and user, newest first', async () => {
    const logged: AuditEvent[] = [];
    const log = new AuditLog({ dir, log: (e) => logged.push(e) });
    log.record(event('alice', '2026-01-01T00:00:00Z'));
    log.record(event('bob', '2026-01-02T00:00:00Z', 403));
    log.record(event('alice', '2026-01-03T00:00:00Z'));
    assert.equal(logged.length, 3);
    const alice = await log.query({ user: 'alice' });
    assert.deepEqual(
      alice.map((e) => e.time),
      ['2026-01-03T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
    );
    const window = await log.query({ since: '2026-01-02T00:00:00Z', until: '2026-01-03T00:00:00Z' });
    assert.equal(window.length, 1);
    assert.equal(window[0]?.decision, 'deny');
    assert.equal(window[0]?.code, 403);
    assert.equal((await log.query({ limit: 1 }))[0]?.time, '2026-01-03T00:00:00.000Z');
  });

  it('rotates by size, keeps a bounded number of files and still queries across them', async () => {
    const log = new AuditLog({ dir, maxBytes: 600, maxFiles: 2 });
    for (let day = 1; day <= 20; day++) log.record(event('alice', `2026-01-${String(day).padStart(2, '0')}T00:00:00Z`));
    const files = readdirSync(dir).sort();
    assert.deepEqual(files, ['audit.log', 'audit.log.1', 'audit.log.2']);
    const events = await log.query({ limit: 1000 });
    assert.ok(events.length < 20, 'the oldest files were dropped');
    assert.equal(events[0]?.time, '2026-01-20T00:00:00.000Z');
  });

  it('audits mutations and denials, not successful reads', () => {
    assert.equal(isAudited(info, 200), true);
    assert.equal(isAudited({ ...info, verb: 'get' }, 200), false);
    assert.equal(isAudited({ ...info, verb: 'get' }, 403), true);
  });
});
