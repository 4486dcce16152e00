import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ExtensionEntry } from '@mortise/api';
import { GatewayFixture, bearer } from '../testing/gateway-fixture.js';
import { MENUS_PATH, registerMenuRoutes } from './menu-routes.js';

function entries(name: string, list: ExtensionEntry['spec']['entries']): ExtensionEntry {
  return {
    apiVersion: 'extensions.mortise.io/v1',
    kind: 'ExtensionEntry',
    metadata: { name, labels: { 'extensions.mortise.io/extension': name } },
    spec: { entries: list },
  };
}

describe(registerMenuRoutes.name, () => {
  const fixture = new GatewayFixture({
    // Everyone may read menus; carol may list widgets in ws1 only.
    alice: () => true,
    carol: (info) => info.resource === 'menus' || (info.resource === 'widgets' && info.workspace === 'ws1'),
  });
  before(async () => {
    await fixture.start();
    await fixture.create(
      entries('widgets', [
        { name: 'widgets.home', title: 'Widgets', route: '/widgets', parent: 'global', order: 2 },
        {
          name: 'widgets.ws',
          title: 'Workspace widgets',
          parent: 'workspace',
          order: 1,
          permission: { verb: 'list', apiGroup: 'widgets.example.io', resource: 'widgets', scope: 'workspace' },
        },
        {
          name: 'widgets.admin',
          title: 'Admin',
          parent: 'global',
          order: 1,
          permission: { verb: 'get', nonResourceURL: '/admin' },
        },
      ]),
    );
  });
  after(() => fixture.stop());

  const menus = async (user: string, query = ''): Promise<string[]> => {
    const res = await fetch(`${fixture.url}${MENUS_PATH}${query}`, { headers: bearer(user) });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { items: Array<{ name: string; extension: string }> };
    for (const item of body.items) assert.equal(item.extension, 'widgets');
    return body.items.map((i) => i.name);
  };

  it('lists only the entries whose access review the caller passes, in placement order', async () => {
    assert.deepEqual(await menus('alice'), ['widgets.admin', 'widgets.home']);
    assert.deepEqual(await menus('alice', '?workspace=ws2'), ['widgets.admin', 'widgets.home', 'widgets.ws']);
    assert.deepEqual(await menus('carol'), ['widgets.home']);
    assert.deepEqual(await menus('carol', '?workspace=ws1'), ['widgets.home', 'widgets.ws']);
    assert.deepEqual(await menus('carol', '?workspace=ws2'), ['widgets.home']);
  });

  it('streams a fresh snapshot when entries change', async () => {
    const controller = new AbortController();
    const res = await fetch(`${fixture.url}${MENUS_PATH}?watch=true`, {
      headers: bearer('carol'),
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    let buffer = '';
    const nextSnapshot = async (): Promise<string[]> => {
      while (!buffer.includes('\n')) buffer += Buffer.from((await reader.read()).value).toString();
      const line = buffer.slice(0, buffer.indexOf('\n'));
      buffer = buffer.slice(line.length + 1);
      const event = JSON.parse(line) as { type: string; object: { items: Array<{ name: string }> } };
      assert.equal(event.type, 'SNAPSHOT');
      return event.object.items.map((i) => i.name);
    };
    assert.deepEqual(await nextSnapshot(), ['widgets.home']);
    await fixture.create(entries('gadgets', [{ name: 'gadgets.home', title: 'Gadgets', parent: 'global', order: 9 }]));
    assert.deepEqual(await nextSnapshot(), ['widgets.home', 'gadgets.home']);
    await fixture.store.delete({ group: 'extensions.mortise.io', kind: 'ExtensionEntry', name: 'gadgets' });
    assert.deepEqual(await nextSnapshot(), ['widgets.home']);
    controller.abort();
  });
});
