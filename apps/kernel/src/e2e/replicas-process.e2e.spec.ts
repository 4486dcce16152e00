import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeconfigFor, startKubeApiServerDouble, type FakeKubeApiServer } from '@mortise/store';
import { startKernelProcess, type KernelProcess } from '../testing/kernel-process.js';

const BUNDLE = new URL('../mortise.mjs', import.meta.url).pathname;
const LEASE = '/apis/coordination.k8s.io/v1/namespaces/mortise-system/leases/mortise-controllers';

/** Two kernel processes (the bundle, as the image runs it) on one API-server double; the leader is killed with SIGKILL. */
describe('replicas as processes: SIGKILL of the leader', () => {
  let server: FakeKubeApiServer;
  let dir: string;
  const processes: KernelProcess[] = [];

  before(async () => {
    server = await startKubeApiServerDouble();
    dir = mkdtempSync(join(tmpdir(), 'mortise-replica-processes-'));
    writeFileSync(join(dir, 'kubeconfig'), kubeconfigFor(server.url, 'mortise-system'));
  });
  after(async () => {
    await Promise.allSettled(
      processes.map((p) =>
        p.child.exitCode === null && p.child.signalCode === null ? p.stop() : Promise.resolve(null),
      ),
    );
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (name: string) =>
    startKernelProcess([BUNDLE], {
      timeoutMs: 30_000,
      env: {
        MORTISE_STORE: 'kubernetes',
        MORTISE_STORE_NAMESPACE: 'mortise-system',
        MORTISE_STORE_KUBECONFIG: join(dir, 'kubeconfig'),
        MORTISE_LEADER_ELECTION: '{"leaseDurationSeconds":3,"renewDeadlineSeconds":2,"retryPeriodSeconds":0.5}',
        MORTISE_ADMIN_PASSWORD: 'replica-admin-password',
        MORTISE_DATA_DIR: join(dir, name),
        MORTISE_PUBLIC_URL: 'https://mortise.replicas.test',
      },
    }).then((p) => (processes.push(p), p));

  const holder = async () =>
    ((await (await fetch(server.url + LEASE)).json()) as { spec?: { holderIdentity?: string } }).spec?.holderIdentity;
  const verbose = async (p: KernelProcess) => (await fetch(`${p.url}/readyz?verbose`)).text();

  it('moves the controllers to the survivor once the killed leader’s lease expires', async () => {
    const first = await start('a');
    const second = await start('b');
    const leading = async () => {
      for (const p of [first, second]) if (/: leader\n/.test(await verbose(p))) return p;
      return undefined;
    };
    let leader: KernelProcess | undefined;
    for (let i = 0; i < 100 && !(leader = await leading()); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(leader, 'one process leads');
    const survivor = leader === first ? second : first;
    const before = await holder();
    leader.child.kill('SIGKILL');
    await once(leader.child, 'exit');
    const killed = Date.now();
    assert.equal(await holder(), before, 'a killed leader releases nothing');
    let text = '';
    while (!/: leader\n/.test((text = await verbose(survivor))) || /controller [a-z-]+: (idle|starting)/.test(text)) {
      assert.ok(Date.now() - killed < 15_000, `no takeover within 15 s:\n${text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`takeover after SIGKILL of the leader process (lease 3 s): ${Date.now() - killed} ms`);
    assert.notEqual(await holder(), before);
    assert.match(text, /controller install-plans: running/);
    const login = await fetch(`${survivor.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: 'mortise-cli',
        username: 'admin',
        password: 'replica-admin-password',
      }).toString(),
    });
    assert.equal(login.status, 200, 'the survivor serves');
  });
});
