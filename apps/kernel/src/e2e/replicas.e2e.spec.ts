import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { passwordLogin, startTestKernel, TEST_ADMIN_PASSWORD, type TestKernel } from '../testing/kernel-fixture.js';
import { createUser } from '../testing/identity.js';
import { startReplicas, type Replicas } from '../testing/replicas-fixture.js';
import {
  INSTALL_PLANS,
  PROBE_PATH,
  gone,
  inState,
  planBody,
  releaseProbe,
  waitForPlan,
} from '../testing/extension-catalog.js';

const IAM = '/kapis/iam.mortise.io/v1';
const WORKSPACES = '/kapis/tenant.mortise.io/v1/workspaces';
const EXT = '/kapis/extensions.mortise.io/v1';

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

/** Polls until `check` holds; returns how long that took. Changes reach other replicas by watch, not instantly. */
async function within(what: string, ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) assert.fail(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - started;
}

/** The password grant of the built-in CLI client, answered as is. */
async function passwordGrant(url: string, username: string, password: string) {
  const res = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'mortise-cli', username, password }).toString(),
  });
  const body = (await res.json()) as { access_token: string; refresh_token: string; error_description?: string };
  return { status: res.status, body };
}

describe('replicas: three kernels on one Kubernetes API server', () => {
  let replicas: Replicas;
  let k: TestKernel[];

  before(async () => {
    replicas = await startReplicas(3);
    k = replicas.kernels;
  });
  after(() => replicas.close());

  /** Waits until `check` holds on every replica in turn. */
  async function everywhere(what: string, check: (replica: TestKernel) => Promise<boolean>): Promise<void> {
    for (const replica of k) await within(what, 2_000, () => check(replica));
  }

  it('elects one leader, which alone runs the controllers; /readyz?verbose says so on each', async () => {
    await within('one replica leads', 10_000, () => Promise.resolve(replicas.leader() !== undefined));
    const leaders = k.filter((r) => r.kernel.controllers.isLeader());
    assert.equal(leaders.length, 1);
    const leader = leaders[0];
    const running = leader.kernel.controllers.report().controllers;
    assert.deepEqual(running.map((c) => c.name).sort(), [
      'install-plans',
      'key-rotation',
      'repository-sync',
      'role-aggregation',
      'session-collection',
    ]);
    await within('the leader runs them all', 5_000, () =>
      Promise.resolve(leader.kernel.controllers.report().controllers.every((c) => c.state === 'running')),
    );
    for (const follower of k.filter((r) => r !== leader)) {
      assert.ok(follower.kernel.controllers.report().controllers.every((c) => c.state === 'idle'));
      const verbose = await follower.call('GET', '/readyz?verbose', { anonymous: true });
      assert.equal(verbose.status, 200);
      assert.match(verbose.text, /\[\+\]controllers ok/);
      assert.ok(verbose.text.includes(`follower (leader: ${leader.kernel.replica})`), verbose.text);
      assert.match(verbose.text, /controller key-rotation: idle/);
    }
    const onLeader = await leader.call('GET', '/readyz?verbose', { anonymous: true });
    assert.match(onLeader.text, /: leader\n/);
    assert.match(onLeader.text, /controller role-aggregation: running/);
    const metrics = await leader.call('GET', '/metrics', { anonymous: true });
    assert.match(metrics.text, /^mortise_leader 1$/m);
    assert.match(metrics.text, /^mortise_controller_running\{controller="key-rotation"\} 1$/m);
    const followerMetrics = await k.find((r) => r !== leader)!.call('GET', '/metrics', { anonymous: true });
    assert.match(followerMetrics.text, /^mortise_leader 0$/m);
  });

  it('enforces a binding written on one replica on the others, and its removal too', async () => {
    await createUser(k[0], 'bob');
    const role = {
      metadata: { name: 'workspace-lister' },
      rules: [{ apiGroups: ['tenant.mortise.io'], resources: ['workspaces'], verbs: ['get', 'list'] }],
    };
    assert.equal((await k[0].call('POST', `${IAM}/globalroles`, { body: role })).status, 201);
    const binding = {
      metadata: { name: 'bob-lister' },
      roleRef: { apiGroup: 'iam.mortise.io', kind: 'GlobalRole', name: 'workspace-lister' },
      subjects: [{ kind: 'User', name: 'bob' }],
    };
    assert.equal((await k[0].call('POST', `${IAM}/globalrolebindings`, { body: binding })).status, 201);
    const bob = await passwordLogin(k[1].url, 'bob', 'correct horse');
    for (const replica of [k[1], k[2]]) {
      await within(
        'bob may list workspaces',
        2_000,
        async () => (await replica.call('GET', WORKSPACES, bearer(bob))).status === 200,
      );
    }
    assert.equal((await k[0].call('DELETE', `${IAM}/globalrolebindings/bob-lister`)).status, 200);
    await everywhere(
      'bob is denied everywhere',
      async (replica) => (await replica.call('GET', WORKSPACES, bearer(bob))).status === 403,
    );
  });

  it('refuses on every replica a token revoked on another, and an API key deleted on another', async () => {
    const tokens = (await passwordGrant(k[0].url, 'admin', TEST_ADMIN_PASSWORD)).body;
    for (const replica of k)
      assert.equal((await replica.call('GET', '/oauth/userinfo', bearer(tokens.access_token))).status, 200);
    const revoked = await fetch(`${k[1].url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'mortise-cli', token: tokens.refresh_token }).toString(),
    });
    assert.equal(revoked.status, 200);
    await everywhere(
      'the revoked token is refused',
      async (replica) => (await replica.call('GET', '/oauth/userinfo', bearer(tokens.access_token))).status === 401,
    );

    const created = await k[2].call('POST', `${IAM}/apikeys`, { body: { metadata: { name: 'ci' }, spec: {} } });
    assert.equal(created.status, 201, created.text);
    const key = created.body.status.secret as string;
    await everywhere(
      'the key works',
      async (replica) => (await replica.call('GET', WORKSPACES, bearer(key))).status === 200,
    );
    assert.equal((await k[0].call('DELETE', `${IAM}/apikeys/${created.body.metadata.name as string}`)).status, 200);
    await everywhere(
      'the deleted key is refused',
      async (replica) => (await replica.call('GET', WORKSPACES, bearer(key))).status === 401,
    );
  });

  it('counts failed logins on all replicas together; a lock and an unlock apply on every replica', async () => {
    await createUser(k[0], 'carol');
    const attempt = (replica: TestKernel, password: string) => passwordGrant(replica.url, 'carol', password);
    // Five failures spread over three replicas lock the name (the limit is five in all, not five per replica).
    for (let i = 0; i < 5; i++) assert.equal((await attempt(k[i % 3], 'wrong password')).status, 400);
    await everywhere('carol is locked here', async (replica) =>
      /temporarily locked/.test((await attempt(replica, 'correct horse')).body.error_description ?? ''),
    );
    assert.equal((await k[2].call('POST', `${IAM}/users/carol/unlock`)).status, 200);
    await everywhere(
      'carol logs in here again',
      async (replica) => (await attempt(replica, 'correct horse')).status === 200,
    );
  });

  it('verifies on every replica tokens signed with a key the leader rotated', async () => {
    const leader = replicas.leader()!;
    const rotated = await leader.call('POST', '/oauth/keys/rotate');
    assert.ok(rotated.status === 200 || rotated.status === 201, rotated.text);
    const jwks = (await (await fetch(`${leader.url}/oauth/keys`)).json()) as { keys: { kid: string }[] };
    const newest = jwks.keys[0].kid;
    await everywhere('every replica publishes the new key', async (replica) => {
      const keys = (await (await fetch(`${replica.url}/oauth/keys`)).json()) as { keys: { kid: string }[] };
      return keys.keys[0]?.kid === newest;
    });
    const follower = k.find((r) => r !== leader)!;
    const token = await passwordLogin(follower.url, 'admin', TEST_ADMIN_PASSWORD);
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string };
    assert.equal(header.kid, newest, 'the follower signs with the rotated key');
    for (const replica of k) assert.equal((await replica.call('GET', '/oauth/userinfo', bearer(token))).status, 200);
  });

  it("answers audit queries from the serving replica's own log, and says whose", async () => {
    const created = await k[1].call('POST', WORKSPACES, { body: { metadata: { name: 'audited' }, spec: {} } });
    assert.equal(created.status, 201, created.text);
    const requestId = created.headers.get('x-request-id');
    type Event = { requestId?: string; replica?: string };
    const mine = await k[1].call('GET', `${IAM}/auditevents?user=admin`);
    assert.equal(mine.body.metadata.replica, k[1].kernel.replica);
    const event = (mine.body.items as Event[]).find((e) => e.requestId === requestId);
    assert.equal(event?.replica, k[1].kernel.replica);
    const other = await k[2].call('GET', `${IAM}/auditevents?user=admin`);
    assert.equal(other.body.metadata.replica, k[2].kernel.replica);
    assert.ok(!(other.body.items as Event[]).some((e) => e.requestId === requestId), "another replica's log lacks it");
  });

  it('installs an in-process extension through a follower: the leader reconciles, every replica routes it', async () => {
    await releaseProbe(k[0].kernel.store, 'probe', '1.0.0');
    const follower = k.find((r) => !r.kernel.controllers.isLeader())!;
    const created = await follower.call('POST', INSTALL_PLANS, { body: planBody('probe', '1.0.0') });
    assert.equal(created.status, 201, created.text);
    await waitForPlan(follower, 'probe', inState('Installed'));
    for (const replica of k) {
      await within(
        'the extension answers here',
        5_000,
        async () => (await replica.call('GET', `${PROBE_PATH}/ping`)).status === 200,
      );
    }
    assert.equal((await follower.call('DELETE', `${INSTALL_PLANS}/probe`)).status, 200);
    await waitForPlan(follower, 'probe', gone);
    for (const replica of k) {
      await within(
        'the extension is gone here',
        5_000,
        async () => (await replica.call('GET', `${PROBE_PATH}/ping`)).status === 404,
      );
    }
  });

  it('serves a menu entry and a reverse proxy written through one replica on every replica, and drops them on delete', async () => {
    const upstream = createServer((req, res) => res.end(`upstream saw ${req.url}`));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    try {
      const entry = {
        metadata: { name: 'replicated' },
        spec: { entries: [{ name: 'replicated.home', title: 'Replicated', parent: 'global', order: 1 }] },
      };
      assert.equal((await k[0].call('POST', `${EXT}/extensionentries`, { body: entry })).status, 201);
      const proxy = {
        metadata: { name: 'replicated-ui' },
        spec: {
          matcher: { path: '/proxy/replicated/*' },
          url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
        },
      };
      assert.equal((await k[1].call('POST', `${EXT}/reverseproxies`, { body: proxy })).status, 201);
      const menu = async (replica: TestKernel) =>
        ((await replica.call('GET', `${EXT}/menus`)).body.items as { name: string }[]).map((e) => e.name);
      await everywhere('the menu lists the entry', async (replica) =>
        (await menu(replica)).includes('replicated.home'),
      );
      await everywhere('the proxy routes', async (replica) =>
        (await replica.call('GET', '/proxy/replicated/page')).text.startsWith('upstream saw'),
      );
      assert.equal((await k[2].call('DELETE', `${EXT}/extensionentries/replicated`)).status, 200);
      assert.equal((await k[2].call('DELETE', `${EXT}/reverseproxies/replicated-ui`)).status, 200);
      await everywhere('the entry is gone', async (replica) => !(await menu(replica)).includes('replicated.home'));
      await everywhere(
        'the proxy is gone',
        async (replica) => (await replica.call('GET', '/proxy/replicated/page')).status === 404,
      );
    } finally {
      upstream.closeAllConnections();
      upstream.close();
    }
  });

  it('hands the controllers to another replica within 15 s when the leader dies without releasing', async () => {
    const leader = replicas.leader()!;
    const died = Date.now();
    // A crash: renewals stop and the lease is left to expire.
    await leader.kernel.controllers.election.stop({ release: false });
    const survivors = k.filter((r) => r !== leader);
    const took = await within('another replica leads and runs the controllers', 15_000, () =>
      Promise.resolve(
        survivors.some(
          (r) =>
            r.kernel.controllers.isLeader() &&
            r.kernel.controllers.report().controllers.every((c) => c.state === 'running'),
        ),
      ),
    );
    console.log(`failover after an abandoned lease (lease 3 s, retry 0.5 s): ${took} ms`);
    assert.ok(Date.now() - died >= 2_000, 'nobody took the lease before it could have expired');
    await leader.close();
    const next = replicas.leader()!;
    assert.equal(survivors.filter((r) => r.kernel.controllers.isLeader()).length, 1);

    // A graceful stop releases the lease: the last replica takes over without waiting for it to expire.
    const last = survivors.find((r) => r !== next)!;
    const stopped = Date.now();
    await next.close();
    const handover = await within('the last replica leads', 15_000, () =>
      Promise.resolve(last.kernel.controllers.isLeader()),
    );
    console.log(`hand-over after a graceful stop: ${Date.now() - stopped} ms (${handover} ms after close returned)`);
    assert.ok(handover < 2_000, `a released lease is taken within a retry period or so, took ${handover} ms`);
    assert.equal((await last.call('GET', WORKSPACES)).status, 200, 'the survivor serves');
  });
});

describe('a replica that leads again', () => {
  it('restarts its controllers: install plans are reconciled after stop and start', async () => {
    const k = await startTestKernel();
    try {
      await releaseProbe(k.kernel.store, 'probe', '1.0.0');
      const controller = k.kernel.installPlans.controller;
      // What losing the lead and winning it back does to a controller.
      await controller.stop();
      await controller.start();
      assert.equal((await k.call('POST', INSTALL_PLANS, { body: planBody('probe', '1.0.0') })).status, 201);
      await waitForPlan(k, 'probe', inState('Installed'));
      assert.equal((await k.call('GET', `${PROBE_PATH}/ping`)).status, 200);
    } finally {
      await k.close();
    }
  });
});
