import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createExtensionHarness, type ExtensionHarness } from '@mortise/sdk-testing';
import type { Announcement, Inbox } from './announcement.js';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));

const USERS = {
  lead: { roleTemplates: ['announcements-manage'] },
  dev: { roleTemplates: ['announcements-view'] },
  outsider: {},
};

describe('announcements', () => {
  let harness: ExtensionHarness;
  before(async () => {
    harness = await createExtensionHarness({ directory: PACKAGE, users: USERS, config: { maxActivePerProject: 2 } });
  });
  after(() => harness.close());

  it('lets a manager broadcast and members read it in their inbox', async () => {
    const created = await harness.as('lead').post<Announcement>('namespaces/shop/broadcasts', {
      title: 'Freeze on Friday',
      severity: 'warning',
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.spec.severity, 'warning');
    assert.ok(Date.parse(created.body.spec.expiresAt ?? '') > Date.now() + 160 * 3_600_000);

    const inbox = await harness.as('dev').get<Inbox>('namespaces/shop/inbox');
    assert.equal(inbox.status, 200);
    assert.deepEqual(
      inbox.body.items.map((i) => [i.title, i.acknowledged]),
      [['Freeze on Friday', false]],
    );
    assert.equal(inbox.body.canPublish, false);
    assert.equal(inbox.body.servedBy, '1.0.0');
    assert.equal((await harness.as('lead').get<Inbox>('namespaces/shop/inbox')).body.canPublish, true);
  });

  it('records acknowledgements once per member', async () => {
    const [first] = (await harness.as('dev').get<Inbox>('namespaces/shop/inbox')).body.items;
    const path = `namespaces/shop/announcements/${first.name}/acknowledge`;
    const acked = await harness.as('dev').post<Announcement>(path);
    assert.equal(acked.status, 200);
    await harness.as('dev').post(path);
    const stored = await harness.resources.get<Announcement>('Announcement', first.name, { project: 'shop' });
    assert.deepEqual(stored.status?.acknowledgedBy, ['dev']);
    assert.equal((await harness.as('dev').get<Inbox>('namespaces/shop/inbox')).body.items[0]?.acknowledged, true);
  });

  it('refuses callers without the permission', async () => {
    assert.equal((await harness.as('dev').post('namespaces/shop/broadcasts', { title: 'x' })).status, 403);
    assert.equal((await harness.as('outsider').get('namespaces/shop/inbox')).status, 403);
    assert.equal((await harness.as(undefined).get('namespaces/shop/inbox')).status, 403);
  });

  it('explains an invalid broadcast field by field', async () => {
    const res = await harness
      .as('lead')
      .post<{ details: { causes: { field: string }[] } }>('namespaces/shop/broadcasts', {
        title: '',
        severity: 'loud',
      });
    assert.equal(res.status, 422);
    assert.deepEqual(
      res.body.details.causes.map((c) => c.field),
      ['title', 'severity'],
    );
  });

  it('keeps to maxActivePerProject from its config', async () => {
    assert.equal((await harness.as('lead').post('namespaces/shop/broadcasts', { title: 'second' })).status, 201);
    const third = await harness.as('lead').post<{ reason: string }>('namespaces/shop/broadcasts', { title: 'third' });
    assert.equal(third.status, 409);
    assert.equal((await harness.as('lead').post('namespaces/other/broadcasts', { title: 'elsewhere' })).status, 201);
  });

  it('counts what it publishes in its own metrics', async () => {
    assert.match(await harness.metrics(), /mortise_ext_announcements_published_total\{severity="warning"\} 1/);
  });

  it('acknowledging an unknown announcement is a NotFound', async () => {
    const res = await harness.as('dev').post<{ reason: string }>('namespaces/shop/announcements/nope/acknowledge');
    assert.equal(res.status, 404);
    assert.equal(res.body.reason, 'NotFound');
  });
});

describe('announcements config', () => {
  it('refuses a config outside its schema, naming the field', async () => {
    await assert.rejects(
      createExtensionHarness({ directory: PACKAGE, config: { maxActivePerProject: 0 } }),
      /maxActivePerProject/,
    );
  });

  it('refuses a default TTL over a year with the fix', async () => {
    await assert.rejects(
      createExtensionHarness({ directory: PACKAGE, config: { defaultTtlHours: 10_000 } }),
      /at most 8784/,
    );
  });
});
