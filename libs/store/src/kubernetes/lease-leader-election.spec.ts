import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LeaseLeaderElection } from './lease-leader-election.js';
import { FakeKubeApiServer } from './testing/fake-kube-apiserver.js';
import { kubeConfigFor } from './testing/kube-test-kit.js';

const NAMESPACE = 'mortise-system';

interface Lease {
  metadata: { resourceVersion: string };
  spec: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

describe(LeaseLeaderElection.name, () => {
  let server: FakeKubeApiServer;
  let count = 0;
  const started: LeaseLeaderElection[] = [];

  before(async () => {
    server = await FakeKubeApiServer.start();
  });
  after(async () => {
    await Promise.all(started.map((e) => e.stop()));
    await server.close();
  });

  /** Candidates sharing one fresh lease; each records its leadership changes. */
  function candidates(n: number) {
    const name = `lease-${++count}`;
    const all = Array.from({ length: n }, (_, i) => {
      const changes: boolean[] = [];
      const election = new LeaseLeaderElection({
        kubeConfig: kubeConfigFor(server.url, NAMESPACE),
        namespace: NAMESPACE,
        name,
        identity: `kernel-${i}`,
        leaseDurationSeconds: 2,
        renewDeadlineSeconds: 1.5,
        retryPeriodSeconds: 0.25,
      });
      started.push(election);
      return { election, changes, start: () => election.start((leading) => changes.push(leading)) };
    });
    const lease = async (): Promise<Lease> => {
      const res = await fetch(`${server.url}/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases/${name}`);
      return (await res.json()) as Lease;
    };
    return { all, lease };
  }

  async function until(what: string, condition: () => boolean, timeoutMs = 8_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('elects exactly one leader and writes the lease as client-go does', async () => {
    const { all, lease } = candidates(3);
    for (const c of all) await c.start();
    await until('one leads', () => all.some((c) => c.election.isLeader()));
    await new Promise((r) => setTimeout(r, 600));
    const leaders = all.filter((c) => c.election.isLeader());
    assert.equal(leaders.length, 1);
    const held = await lease();
    assert.equal(held.spec.holderIdentity, leaders[0].election.identity);
    assert.equal(held.spec.leaseDurationSeconds, 2);
    assert.equal(held.spec.leaseTransitions, 0);
    assert.match(held.spec.renewTime ?? '', /\.\d{6}Z$/);
    for (const c of all.filter((c) => c !== leaders[0])) {
      assert.equal(c.election.leader(), leaders[0].election.identity, 'followers know who leads');
    }
    await new Promise((r) => setTimeout(r, 400));
    const renewed = await lease();
    assert.ok(renewed.spec.renewTime! > held.spec.renewTime!, 'the leader renews');
    assert.equal(renewed.spec.acquireTime, held.spec.acquireTime);
    for (const c of all) await c.election.stop();
  });

  it('hands over at once when the leader releases, and counts the transition', async () => {
    const { all, lease } = candidates(2);
    await all[0].start();
    await until('the first leads', () => all[0].election.isLeader());
    await all[1].start();
    const acquired = (await lease()).spec.acquireTime;
    const released = Date.now();
    await all[0].election.stop();
    assert.deepEqual(all[0].changes, [true, false]);
    await until('the second leads', () => all[1].election.isLeader(), 1_500);
    assert.ok(Date.now() - released < 1_500, 'a released lease is taken without waiting for it to expire');
    const taken = await lease();
    assert.equal(taken.spec.holderIdentity, 'kernel-1');
    assert.equal(taken.spec.leaseTransitions, 1, 'the takeover is a transition; the release is not');
    assert.notEqual(taken.spec.acquireTime, acquired);
    await all[1].election.stop();
    assert.equal((await lease()).spec.holderIdentity, '', 'stopping releases the lease');
  });

  it('takes an abandoned lease only after it has not changed for its duration', async () => {
    const { all, lease } = candidates(2);
    await all[0].start();
    await until('the first leads', () => all[0].election.isLeader());
    await all[1].start();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(all[1].election.isLeader(), false);
    const abandoned = Date.now();
    await all[0].election.stop({ release: false });
    assert.equal((await lease()).spec.holderIdentity, 'kernel-0', 'not released');
    await until('the second leads', () => all[1].election.isLeader());
    const waited = Date.now() - abandoned;
    assert.ok(waited >= 1_500, `took over after ${waited} ms, before the lease could have expired`);
    assert.equal((await lease()).spec.leaseTransitions, 1);
    await all[1].election.stop();
  });

  it('steps down when it cannot renew within the renew deadline', async () => {
    const { all } = candidates(1);
    await all[0].start();
    await until('it leads', () => all[0].election.isLeader());
    // Another writer takes the lease (as an operator's `kubectl edit` or a split brain would).
    const path = `${server.url}/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases/lease-${count}`;
    const current = (await (await fetch(path)).json()) as Lease;
    const res = await fetch(path, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...current, spec: { ...current.spec, holderIdentity: 'intruder' } }),
    });
    assert.equal(res.status, 200);
    await until('it steps down', () => !all[0].election.isLeader(), 2_000);
    assert.deepEqual(all[0].changes, [true, false]);
    await all[0].election.stop();
  });

  it('refuses timings that would let two replicas lead at once', () => {
    assert.throws(
      () =>
        new LeaseLeaderElection({
          kubeConfig: kubeConfigFor(server.url, NAMESPACE),
          name: 'x',
          identity: 'a',
          leaseDurationSeconds: 5,
          renewDeadlineSeconds: 5,
          retryPeriodSeconds: 1,
        }),
      /leaseDurationSeconds > renewDeadlineSeconds/,
    );
  });
});
