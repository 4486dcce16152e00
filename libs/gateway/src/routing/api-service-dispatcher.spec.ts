import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket, WebSocketServer } from 'ws';
import type { APIService } from '@mortise/api';
import { GatewayFixture, bearer } from '../testing/gateway-fixture.js';
import { TestUpstream } from '../testing/test-upstream.js';
import { ApiServiceDispatcher } from './api-service-dispatcher.js';

function apiService(name: string, version: string, url: string): APIService {
  return {
    apiVersion: 'extensions.mortise.io/v1',
    kind: 'APIService',
    metadata: { name, labels: { 'extensions.mortise.io/extension': 'sample' } },
    spec: { group: 'things.example.io', version, url },
  };
}

describe(ApiServiceDispatcher.name, () => {
  const v1 = new TestUpstream();
  const v2 = new TestUpstream();
  const sockets = new WebSocketServer({ server: v1.server });
  const fixture = new GatewayFixture({ alice: () => true }, { groupDispatch: true });

  before(async () => {
    sockets.on('connection', (ws, req) => ws.send(`hello ${String(req.headers['x-remote-user'])}`));
    await v1.start();
    await v2.start();
    await fixture.start();
    await fixture.create(apiService('things-v1', 'v1', v1.url));
    await fixture.create(apiService('things-v2', 'v2', `${v2.url}/prefix`));
  });
  after(async () => {
    sockets.close();
    await fixture.stop();
    await v1.stop();
    await v2.stop();
  });

  it('registers one dispatcher per group and routes each version to its APIService', async () => {
    assert.deepEqual([...fixture.dispatchers.keys()], ['things.example.io']);
    const one = (await (
      await fetch(`${fixture.url}/kapis/things.example.io/v1/things?x=1`, { headers: bearer('alice') })
    ).json()) as { url: string };
    const two = (await (
      await fetch(`${fixture.url}/kapis/things.example.io/v2/things`, { headers: bearer('alice') })
    ).json()) as { url: string };
    assert.equal(one.url, '/kapis/things.example.io/v1/things?x=1');
    assert.equal(two.url, '/prefix/kapis/things.example.io/v2/things');
    assert.equal(
      (await fetch(`${fixture.url}/kapis/things.example.io/v3/things`, { headers: bearer('alice') })).status,
      404,
    );
  });

  it('tunnels WebSocket upgrades of the group', async () => {
    const ws = new WebSocket(`${fixture.url.replace('http', 'ws')}/kapis/things.example.io/v1/stream`, {
      headers: bearer('alice'),
    });
    const data = await new Promise<string>((resolve, reject) => {
      ws.once('message', (d: Buffer) => resolve(d.toString()));
      ws.once('error', reject);
    });
    assert.equal(data, 'hello alice');
    ws.close();
  });

  it('unregisters the group when its last APIService goes', async () => {
    for (const name of ['things-v1', 'things-v2']) {
      await fixture.store.delete({ group: 'extensions.mortise.io', kind: 'APIService', name });
    }
    await fixture.settle();
    assert.equal(fixture.dispatchers.size, 0);
  });
});
