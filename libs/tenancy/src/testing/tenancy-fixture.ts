import {
  AUTHENTICATED_GROUP,
  GlobalRoleBindingKind,
  GlobalRoleKind,
  KindRegistry,
  ProjectKind,
  RoleBindingKind,
  RoleKind,
  RoleTemplateKind,
  UserKind,
  WorkspaceKind,
  WorkspaceRoleBindingKind,
  WorkspaceRoleKind,
  type AdmissionOperation,
  type AdmissionPlugin,
  type AdmissionRequest,
  type Caller,
  type KindDefinition,
  type KindScope,
  type Resource,
  registerKernelKinds,
} from '@mortise/api';
import { EscalationGuard, RbacAdmission, RbacAuthorizer, RbacIndex, RbacIndexFeed } from '@mortise/authz';
import { MemoryStore, type ObjectRef } from '@mortise/store';
import { BuiltinRoleProtection } from '../builtin-role-protection.js';
import { BuiltinRoleStamper } from '../builtin-role-stamper.js';
import { MembersService } from '../members.service.js';
import { bootstrapPlatformRoles } from '../platform-bootstrap.js';
import { ProjectLifecycle } from '../project-lifecycle.js';
import { TenancyCleanup } from '../tenancy-cleanup.js';
import { WorkspaceLifecycle } from '../workspace-lifecycle.js';

function kind(group: string, kindName: string, plural: string, scope: KindScope): KindDefinition {
  return {
    group,
    version: 'v1',
    kind: kindName,
    plural,
    singular: kindName.toLowerCase(),
    scope,
    schema: {},
  } as KindDefinition;
}

export const TEST_KINDS = {
  Workspace: WorkspaceKind,
  Project: ProjectKind,
  User: UserKind,
  GlobalRole: GlobalRoleKind,
  GlobalRoleBinding: GlobalRoleBindingKind,
  WorkspaceRole: WorkspaceRoleKind,
  WorkspaceRoleBinding: WorkspaceRoleBindingKind,
  Role: RoleKind,
  RoleBinding: RoleBindingKind,
  RoleTemplate: RoleTemplateKind,
  /** A project-scoped kind as an extension would declare one. */
  Widget: kind('example.mortise.io', 'Widget', 'widgets', 'namespace'),
} as const;

export function userCaller(username: string): Caller {
  return { user: { username, uid: username, groups: [AUTHENTICATED_GROUP] }, credential: 'token' };
}

/**
 * Tenancy and authorization over a memory store, with the admission chain
 * run the way the generic REST runs it (admit → store → written). Unit
 * tests drive writes through `write` as an API request would.
 */
export class TenancyFixture {
  readonly store = new MemoryStore();
  readonly kinds = new KindRegistry();
  readonly index = new RbacIndex();
  readonly authz = new RbacAuthorizer(this.index);
  readonly guard = new EscalationGuard(this.authz);
  readonly stamper = new BuiltinRoleStamper(this.store);
  readonly cleanup = new TenancyCleanup(this.store, this.kinds, (o) => this.index.apply('DELETED', o));
  readonly members = new MembersService(this.store, this.index, this.guard);
  readonly feed = new RbacIndexFeed(this.store, this.index);
  readonly plugins: AdmissionPlugin[] = [
    new BuiltinRoleProtection(),
    new RbacAdmission(this.index, this.guard),
    new WorkspaceLifecycle(this.store, this.stamper, this.index, this.cleanup),
    new ProjectLifecycle(this.store, this.stamper, this.index, this.cleanup),
  ];

  static async start(admins: string[] = ['admin']): Promise<TenancyFixture> {
    const fx = new TenancyFixture();
    registerKernelKinds(fx.kinds);
    fx.kinds.register(TEST_KINDS.Widget);
    await fx.feed.start();
    await bootstrapPlatformRoles(fx.store, fx.stamper, fx.index, admins);
    return fx;
  }

  async stop(): Promise<void> {
    await this.feed.stop();
    await this.store.close();
  }

  async addUser(username: string, groups: string[] = []): Promise<Caller> {
    const user = await this.store.create({
      apiVersion: 'iam.mortise.io/v1',
      kind: 'User',
      metadata: { name: username },
      spec: { groups },
    });
    this.index.apply('ADDED', user);
    return userCaller(username);
  }

  /** One write through the admission chain, as the generic REST does it. */
  async write(
    operation: AdmissionOperation,
    caller: Caller,
    def: KindDefinition,
    object: Resource,
    options: Record<string, string> = {},
    /** The scope named by the request path, when it differs from the body's. */
    pathScope?: string,
  ): Promise<Resource> {
    const scope = pathScope ?? object.metadata.namespace ?? object.metadata.workspace;
    const ref: ObjectRef = {
      group: def.group,
      kind: def.kind,
      name: object.metadata.name,
      ...(scope ? { scope } : {}),
    };
    const oldObject = operation === 'create' ? undefined : await this.store.get(ref);
    const request: AdmissionRequest = {
      operation,
      caller,
      kind: def,
      object: operation === 'delete' ? (oldObject ?? object) : structuredClone(object),
      options,
      ...(operation === 'update' && oldObject ? { oldObject } : {}),
    };
    const plugins = this.plugins.filter((p) => !p.handles || p.handles(def));
    for (const plugin of plugins) await plugin.admit?.(request);
    const stored =
      operation === 'create'
        ? await this.store.create(request.object)
        : operation === 'update'
          ? await this.store.update(request.object)
          : await this.store.delete(ref);
    for (const plugin of plugins) await plugin.written?.(request, stored);
    return stored;
  }

  async createWorkspace(caller: Caller, name: string, manager?: string): Promise<Resource> {
    return this.write('create', caller, TEST_KINDS.Workspace, {
      apiVersion: 'tenant.mortise.io/v1',
      kind: 'Workspace',
      metadata: { name },
      spec: manager ? { manager } : {},
    });
  }

  async createProject(caller: Caller, workspace: string, name: string): Promise<Resource> {
    return this.write('create', caller, TEST_KINDS.Project, {
      apiVersion: 'tenant.mortise.io/v1',
      kind: 'Project',
      metadata: { name, workspace },
      spec: {},
    });
  }
}
