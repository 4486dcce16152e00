/**
 * Authorization decision micro-benchmark: a user bound (as workspace-regular)
 * in 1, 100 and 1,000 workspaces asks one question about one of them.
 * - cold: the first decision on a freshly compiled ability (compile not timed)
 * - warm: the same decision again, served by the decision cache
 * Goals: warm ≤ 2 µs, cold ≤ 10 µs, 1,000 bindings ≤ 1.5× 1 binding in both.
 * Run: node bench/dist/authz-decision.bench.js
 */
import type { Caller, RequestInfo } from '@mortise/api';
import { RbacAuthorizer, RbacIndex, bindingObject, roleObject } from '@mortise/authz';
import { median } from './stats.js';

const SIZES = [1, 100, 1000];
const WORKSPACE_REGULAR_RULES = [
  { apiGroups: ['tenant.mortise.io'], resources: ['workspaces'], verbs: ['get'] },
  { apiGroups: ['tenant.mortise.io'], resources: ['members'], verbs: ['get', 'list'] },
  { apiGroups: ['tenant.mortise.io'], resources: ['projects'], verbs: ['create'] },
  { apiGroups: ['iam.mortise.io'], resources: ['workspaceroles'], verbs: ['get', 'list'] },
];

function buildIndex(bindings: number): RbacIndex {
  const index = new RbacIndex();
  let version = 0;
  const add = (object: Parameters<RbacIndex['apply']>[1]) =>
    index.apply('ADDED', { ...object, metadata: { ...object.metadata, resourceVersion: String(++version) } });
  add(
    roleObject('GlobalRole', 'authenticated', { level: 'global' }, [
      { apiGroups: ['iam.mortise.io'], resources: ['accessreviews'], verbs: ['create'] },
      { nonResourceURLs: ['/oauth/userinfo'], verbs: ['get'] },
    ]),
  );
  add(
    bindingObject('GlobalRoleBinding', 'authenticated', { level: 'global' }, 'authenticated', [
      { kind: 'Group', name: 'system:authenticated' },
    ]),
  );
  for (let i = 0; i < bindings; i++) {
    const scope = { level: 'workspace', workspace: `ws-${i}` } as const;
    add(roleObject('WorkspaceRole', 'workspace-regular', scope, WORKSPACE_REGULAR_RULES));
    add(
      bindingObject('WorkspaceRoleBinding', 'alice-regular', scope, 'workspace-regular', [
        { kind: 'User', name: 'alice' },
      ]),
    );
  }
  return index;
}

function request(workspace: string): RequestInfo {
  return {
    isResourceRequest: true,
    path: `/kapis/tenant.mortise.io/v1/workspaces/${workspace}/members`,
    verb: 'list',
    apiGroup: 'tenant.mortise.io',
    apiVersion: 'v1',
    resource: 'members',
    subresource: '',
    name: '',
    scope: 'workspace',
    workspace,
    project: '',
  };
}

interface Result {
  bindings: number;
  compileUs: number;
  coldUs: number;
  warmUs: number;
}

interface Subject {
  bindings: number;
  authz: RbacAuthorizer;
  asked: RequestInfo;
  compile: number[];
  cold: number[];
  warm: number[];
}

const caller: Caller = {
  user: { username: 'alice', uid: 'alice', groups: ['system:authenticated'] },
  credential: 'token',
};
const compileProbe = (): RequestInfo => ({
  ...request('ws-0'),
  verb: 'get',
  resource: 'workspaces',
  name: 'ws-0',
  scope: 'global',
});

/** One cold and one warm sample: cold is the first decision on a freshly compiled ability (compile not timed). */
function sample(s: Subject): void {
  s.authz.invalidate();
  const c0 = process.hrtime.bigint();
  s.authz.authorize(caller, compileProbe());
  const t0 = process.hrtime.bigint();
  const decision = s.authz.authorize(caller, s.asked);
  const t1 = process.hrtime.bigint();
  if (!decision.allowed) throw new Error('benchmark request must be allowed');
  s.compile.push(Number(t0 - c0) / 1e3);
  s.cold.push(Number(t1 - t0) / 1e3);
  const batch = 20_000;
  const w0 = process.hrtime.bigint();
  for (let i = 0; i < batch; i++) s.authz.authorize(caller, s.asked);
  s.warm.push(Number(process.hrtime.bigint() - w0) / 1e3 / batch);
}

// One size at a time, after a warm-up, so each measures its own steady state (JIT, caches, GC).
const subjects: Subject[] = SIZES.map((bindings) => ({
  bindings,
  authz: new RbacAuthorizer(buildIndex(bindings)),
  // The last workspace: a linear scan would pay for every binding before it.
  asked: request(`ws-${bindings - 1}`),
  compile: [],
  cold: [],
  warm: [],
}));
for (const s of subjects) {
  for (let round = 0; round < 30; round++) sample(s);
  s.compile.length = 0;
  s.cold.length = 0;
  s.warm.length = 0;
  for (let round = 0; round < 300; round++) sample(s);
}
const results: Result[] = subjects.map((s) => ({
  bindings: s.bindings,
  compileUs: median(s.compile),
  coldUs: median(s.cold),
  warmUs: median(s.warm),
}));

const base = results[0];
console.log('bindings  compile(µs)  cold(µs)  warm(µs)  cold×1  warm×1');
for (const r of results) {
  console.log(
    `${String(r.bindings).padStart(8)}  ${r.compileUs.toFixed(1).padStart(11)}  ${r.coldUs.toFixed(2).padStart(8)}  ${r.warmUs
      .toFixed(3)
      .padStart(
        8,
      )}  ${(r.coldUs / base.coldUs).toFixed(2).padStart(6)}  ${(r.warmUs / base.warmUs).toFixed(2).padStart(6)}`,
  );
}
const worst = results[results.length - 1];
const ok =
  results.every((r) => r.warmUs <= 2 && r.coldUs <= 10) &&
  worst.coldUs <= 1.5 * base.coldUs &&
  worst.warmUs <= 1.5 * base.warmUs;
console.log(ok ? 'goals met' : 'goals NOT met');
