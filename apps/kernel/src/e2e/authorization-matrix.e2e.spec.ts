import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startAccessControlKernel, type AccessControlKernel } from '../testing/access-control-fixture.js';

const TENANT = '/kapis/tenant.mortise.io/v1';
const IAM = '/kapis/iam.mortise.io/v1';
const WIDGETS = '/kapis/example.mortise.io/v1';
/** A stale precondition: an allowed delete is refused with 409 by the store instead of deleting. */
const STALE = { preconditions: { resourceVersion: '1' } };
/** A merge patch pinned to a stale version: allowed means 409, and nothing changes. */
const STALE_PATCH = { metadata: { resourceVersion: '1' } };

interface Cell {
  method: string;
  path: string;
  body?: unknown;
}

const MERGE_PATCH = 'application/merge-patch+json';

function send(k: AccessControlKernel, user: string, cell: Cell) {
  const options =
    cell.body === undefined
      ? {}
      : { body: cell.body, ...(cell.method === 'PATCH' ? { contentType: MERGE_PATCH } : {}) };
  return k.as(user, cell.method, cell.path, options);
}

/**
 * Side-effect free probes: writes carry an empty or stale body, so an
 * allowed request fails validation or a precondition (4xx other than 403)
 * and a denied one is 403. Authorization runs before either.
 */
const CELLS = {
  'workspaces.list': { method: 'GET', path: `${TENANT}/workspaces` },
  'workspaces.create': { method: 'POST', path: `${TENANT}/workspaces`, body: {} },
  'wsA.get': { method: 'GET', path: `${TENANT}/workspaces/ws-a` },
  'wsA.update': { method: 'PUT', path: `${TENANT}/workspaces/ws-a`, body: {} },
  'wsA.delete': { method: 'DELETE', path: `${TENANT}/workspaces/ws-a`, body: STALE },
  'wsB.get': { method: 'GET', path: `${TENANT}/workspaces/ws-b` },
  'wsB.update': { method: 'PUT', path: `${TENANT}/workspaces/ws-b`, body: {} },
  'wsB.delete': { method: 'DELETE', path: `${TENANT}/workspaces/ws-b`, body: STALE },
  'users.list': { method: 'GET', path: `${IAM}/users` },
  'users.create': { method: 'POST', path: `${IAM}/users`, body: {} },
  'globalroles.list': { method: 'GET', path: `${IAM}/globalroles` },
  'globalroles.create': { method: 'POST', path: `${IAM}/globalroles`, body: {} },
  'wsA.projects.list': { method: 'GET', path: `${TENANT}/workspaces/ws-a/projects` },
  'wsA.projects.create': { method: 'POST', path: `${TENANT}/workspaces/ws-a/projects`, body: {} },
  'pa.get': { method: 'GET', path: `${TENANT}/workspaces/ws-a/projects/pa` },
  'pa.update': { method: 'PUT', path: `${TENANT}/workspaces/ws-a/projects/pa`, body: {} },
  'pa.delete': { method: 'DELETE', path: `${TENANT}/workspaces/ws-a/projects/pa`, body: STALE },
  'wsA.members.list': { method: 'GET', path: `${TENANT}/workspaces/ws-a/members` },
  'wsA.members.create': { method: 'POST', path: `${TENANT}/workspaces/ws-a/members`, body: {} },
  'wsA.roles.list': { method: 'GET', path: `${IAM}/workspaces/ws-a/workspaceroles` },
  'wsA.roles.create': { method: 'POST', path: `${IAM}/workspaces/ws-a/workspaceroles`, body: {} },
  'wsB.projects.list': { method: 'GET', path: `${TENANT}/workspaces/ws-b/projects` },
  'wsB.projects.create': { method: 'POST', path: `${TENANT}/workspaces/ws-b/projects`, body: {} },
  'wsB.members.list': { method: 'GET', path: `${TENANT}/workspaces/ws-b/members` },
  'pb.get': { method: 'GET', path: `${TENANT}/workspaces/ws-b/projects/pb` },
  'pa.widgets.list': { method: 'GET', path: `${WIDGETS}/namespaces/pa/widgets` },
  'pa.widgets.create': { method: 'POST', path: `${WIDGETS}/namespaces/pa/widgets`, body: {} },
  'pa.widget.get': { method: 'GET', path: `${WIDGETS}/namespaces/pa/widgets/w1` },
  'pa.widget.update': { method: 'PUT', path: `${WIDGETS}/namespaces/pa/widgets/w1`, body: {} },
  'pa.widget.delete': { method: 'DELETE', path: `${WIDGETS}/namespaces/pa/widgets/w1`, body: STALE },
  'pa.widget.patch': { method: 'PATCH', path: `${WIDGETS}/namespaces/pa/widgets/w1`, body: STALE_PATCH },
  'pa.widgets.deletecollection': {
    method: 'DELETE',
    path: `${WIDGETS}/namespaces/pa/widgets?labelSelector=matches=nothing`,
  },
  'pa.rolebindings.list': { method: 'GET', path: `${IAM}/namespaces/pa/rolebindings` },
  'pa.rolebindings.create': { method: 'POST', path: `${IAM}/namespaces/pa/rolebindings`, body: {} },
  'pa.members.list': { method: 'GET', path: `${TENANT}/namespaces/pa/members` },
  'pa.members.create': { method: 'POST', path: `${TENANT}/namespaces/pa/members`, body: {} },
  'pb.widgets.list': { method: 'GET', path: `${WIDGETS}/namespaces/pb/widgets` },
  'pb.widgets.create': { method: 'POST', path: `${WIDGETS}/namespaces/pb/widgets`, body: {} },
  'pb.widget.get': { method: 'GET', path: `${WIDGETS}/namespaces/pb/widgets/w1` },
  'pb.widget.delete': { method: 'DELETE', path: `${WIDGETS}/namespaces/pb/widgets/w1`, body: STALE },
  'pb.widget.patch': { method: 'PATCH', path: `${WIDGETS}/namespaces/pb/widgets/w1`, body: STALE_PATCH },
  'pb.widgets.deletecollection': {
    method: 'DELETE',
    path: `${WIDGETS}/namespaces/pb/widgets?labelSelector=matches=nothing`,
  },
  'pb.members.list': { method: 'GET', path: `${TENANT}/namespaces/pb/members` },
} satisfies Record<string, Cell>;

type CellName = keyof typeof CELLS;
const ALL_CELLS = Object.keys(CELLS) as CellName[];
const PA_WIDGET_WRITES: CellName[] = ['pa.widgets.create', 'pa.widget.update', 'pa.widget.patch', 'pa.widget.delete'];
const PA_WIDGETS: CellName[] = ['pa.widgets.list', 'pa.widget.get', ...PA_WIDGET_WRITES, 'pa.widgets.deletecollection'];
/** Lists at workspace or platform level a project member may ask: allowed, narrowed to what they may get. */
const NARROWED_FOR_PROJECT_MEMBERS: CellName[] = [
  'users.list',
  'workspaces.list',
  'wsA.projects.list',
  'wsA.members.list',
  'wsA.roles.list',
];

/**
 * What each user (holding one built-in role) may do; every other cell must
 * be denied. ws-b and pb belong to another tenant: only the platform admin
 * reaches them.
 */
const ALLOWED: Record<string, readonly CellName[]> = {
  admin: ALL_CELLS,
  // Everyone may list users: the list is narrowed to themselves (self-service).
  'plat-regular': ['workspaces.create', 'users.list'],
  nobody: ['users.list'],
  'wa-admin': [
    'users.list',
    'workspaces.list',
    'wsA.get',
    'wsA.update',
    'wsA.delete',
    'wsA.projects.list',
    'wsA.projects.create',
    'pa.get',
    'pa.update',
    'pa.delete',
    'wsA.members.list',
    'wsA.members.create',
    'wsA.roles.list',
    'wsA.roles.create',
    ...PA_WIDGETS,
    'pa.rolebindings.list',
    'pa.rolebindings.create',
    'pa.members.list',
    'pa.members.create',
  ],
  // A workspace role reaches the workspace's projects: members of pa are visible to a workspace-regular.
  'wa-regular': [
    'users.list',
    'workspaces.list',
    'wsA.get',
    'wsA.projects.create',
    'wsA.members.list',
    'wsA.roles.list',
    'pa.members.list',
  ],
  'wa-viewer': [
    'users.list',
    'workspaces.list',
    'wsA.get',
    'wsA.projects.list',
    'pa.get',
    'wsA.members.list',
    'wsA.roles.list',
    'pa.widgets.list',
    'pa.widget.get',
    'pa.rolebindings.list',
    'pa.members.list',
  ],
  'pa-admin': [
    ...NARROWED_FOR_PROJECT_MEMBERS,
    'pa.get',
    'pa.update',
    'pa.delete',
    ...PA_WIDGETS,
    'pa.rolebindings.list',
    'pa.rolebindings.create',
    'pa.members.list',
    'pa.members.create',
  ],
  // Widget writes reach the operator through a RoleTemplate labelled aggregate-to-project-operator.
  'pa-operator': [
    ...NARROWED_FOR_PROJECT_MEMBERS,
    'pa.get',
    'pa.widgets.list',
    'pa.widget.get',
    ...PA_WIDGET_WRITES,
    'pa.rolebindings.list',
    'pa.members.list',
  ],
  'pa-viewer': [
    ...NARROWED_FOR_PROJECT_MEMBERS,
    'pa.get',
    'pa.widgets.list',
    'pa.widget.get',
    'pa.rolebindings.list',
    'pa.members.list',
  ],
};

async function setUpTenants(k: AccessControlKernel): Promise<void> {
  const ok = async (method: string, path: string, body: unknown) => {
    const res = await k.as('admin', method, path, { body });
    assert.ok(res.status < 300, `${method} ${path} → ${res.status} ${res.text}`);
  };
  for (const name of Object.keys(ALLOWED).filter((u) => u !== 'admin')) {
    await ok('POST', `${IAM}/users`, { apiVersion: 'iam.mortise.io/v1', kind: 'User', metadata: { name }, spec: {} });
  }
  await ok('POST', `${IAM}/globalrolebindings`, {
    apiVersion: 'iam.mortise.io/v1',
    kind: 'GlobalRoleBinding',
    metadata: { name: 'plat-regular' },
    roleRef: { apiGroup: 'iam.mortise.io', kind: 'GlobalRole', name: 'platform-regular' },
    subjects: [{ kind: 'User', name: 'plat-regular' }],
  });
  await ok('POST', `${IAM}/roletemplates`, {
    apiVersion: 'iam.mortise.io/v1',
    kind: 'RoleTemplate',
    metadata: { name: 'widgets-edit', labels: { 'iam.mortise.io/aggregate-to-project-operator': 'true' } },
    rules: [
      { apiGroups: ['example.mortise.io'], resources: ['widgets'], verbs: ['create', 'update', 'patch', 'delete'] },
    ],
  });
  for (const [ws, manager] of [
    ['ws-a', 'wa-admin'],
    ['ws-b', undefined],
    ['ws-c', undefined],
  ] as const) {
    await ok('POST', `${TENANT}/workspaces`, {
      apiVersion: 'tenant.mortise.io/v1',
      kind: 'Workspace',
      metadata: { name: ws },
      spec: manager ? { manager } : {},
    });
  }
  for (const [ws, project] of [
    ['ws-a', 'pa'],
    ['ws-a', 'pa2'],
    ['ws-b', 'pb'],
    ['ws-c', 'pc'],
  ] as const) {
    await ok('POST', `${TENANT}/workspaces/${ws}/projects`, {
      apiVersion: 'tenant.mortise.io/v1',
      kind: 'Project',
      metadata: { name: project },
      spec: {},
    });
  }
  for (const [user, role] of [
    ['wa-regular', 'workspace-regular'],
    ['wa-viewer', 'workspace-viewer'],
  ] as const) {
    await ok('POST', `${TENANT}/workspaces/ws-a/members`, { username: user, role });
  }
  for (const [user, role] of [
    ['pa-admin', 'project-admin'],
    ['pa-operator', 'project-operator'],
    ['pa-viewer', 'project-viewer'],
  ] as const) {
    await ok('POST', `${TENANT}/namespaces/pa/members`, { username: user, role });
  }
  for (const project of ['pa', 'pb']) {
    await ok('POST', `${WIDGETS}/namespaces/${project}/widgets`, {
      apiVersion: 'example.mortise.io/v1',
      kind: 'Widget',
      metadata: { name: 'w1' },
      spec: { size: 1 },
    });
  }
}

describe('authorization matrix', () => {
  let k: AccessControlKernel;

  before(async () => {
    k = await startAccessControlKernel();
    await setUpTenants(k);
  });
  after(() => k.close());

  for (const [user, allowed] of Object.entries(ALLOWED)) {
    it(`${user}: allowed exactly where a built-in role grants, denied everywhere else`, async () => {
      const mismatches: string[] = [];
      for (const name of ALL_CELLS) {
        const cell: Cell = CELLS[name];
        const res = await send(k, user, cell);
        const expectAllowed = allowed.includes(name);
        const wasAllowed = res.status !== 403;
        if (expectAllowed !== wasAllowed)
          mismatches.push(`${name}: expected ${expectAllowed ? 'allow' : 'deny'}, got ${res.status}`);
        if (!wasAllowed) {
          assert.equal(res.body?.reason, 'Forbidden');
          assert.match(res.body?.message ?? '', new RegExp(`user "${user}" cannot`));
        }
      }
      assert.deepEqual(mismatches, []);
    });
  }

  it('denies anonymous callers everywhere', async () => {
    for (const name of ALL_CELLS) {
      const cell: Cell = CELLS[name];
      const res = await send(k, 'anonymous', cell);
      assert.equal(res.status, 401, name);
    }
  });

  it('narrows wide lists to what the caller may get, without naming other tenants', async () => {
    const names = (res: { body: { items: { metadata: { name: string } }[] } }) =>
      res.body.items.map((i) => i.metadata.name).sort();
    assert.deepEqual(names(await k.as('wa-regular', 'GET', `${TENANT}/workspaces`)), ['ws-a']);
    assert.deepEqual(names(await k.as('pa-viewer', 'GET', `${TENANT}/workspaces/ws-a/projects`)), ['pa']);
    assert.deepEqual(names(await k.as('wa-viewer', 'GET', `${TENANT}/workspaces/ws-a/projects`)), ['pa', 'pa2']);
    assert.deepEqual(names(await k.as('admin', 'GET', `${TENANT}/workspaces`)), ['ws-a', 'ws-b', 'ws-c']);
    assert.deepEqual(names(await k.as('nobody', 'GET', `${IAM}/users`)), ['nobody']);
    assert.deepEqual((await k.as('pa-viewer', 'GET', `${TENANT}/workspaces/ws-a/members`)).body.items, []);
    const denied = await k.as('wa-admin', 'GET', `${TENANT}/workspaces/ws-b/projects`);
    assert.equal(denied.status, 403);
    assert.doesNotMatch(denied.text, /pb/);
  });

  it('narrows a watch to the objects the caller may get', async () => {
    const watch = await k.watchAs('wa-regular', `${TENANT}/workspaces`);
    try {
      assert.equal(watch.status, 200);
      assert.equal((await watch.next())?.object.metadata.name, 'ws-a');
      const other = { apiVersion: 'tenant.mortise.io/v1', kind: 'Workspace', metadata: { name: 'ws-z' }, spec: {} };
      assert.equal((await k.as('admin', 'POST', `${TENANT}/workspaces`, { body: other })).status, 201);
      const patch = { metadata: { labels: { touched: 'yes' } } };
      const touched = await k.as('admin', 'PATCH', `${TENANT}/workspaces/ws-a`, {
        body: patch,
        contentType: 'application/merge-patch+json',
      });
      assert.equal(touched.status, 200);
      const next = await watch.next();
      assert.deepEqual([next?.type, next?.object.metadata.name], ['MODIFIED', 'ws-a']);
    } finally {
      watch.close();
    }
  });

  it('refills a narrowed page up to the limit and continues from where it stopped', async () => {
    const first = await k.as('wa-viewer', 'GET', `${TENANT}/projects?limit=1`);
    assert.equal(first.status, 200);
    assert.deepEqual(
      first.body.items.map((i: { metadata: { name: string } }) => i.metadata.name),
      ['pa'],
    );
    const cont = encodeURIComponent(first.body.metadata.continue as string);
    const second = await k.as('wa-viewer', 'GET', `${TENANT}/projects?limit=1&continue=${cont}`);
    assert.deepEqual(
      second.body.items.map((i: { metadata: { name: string } }) => i.metadata.name),
      ['pa2'],
    );
  });
});
