import {
  AlreadyExistsError,
  InvalidError,
  NotFoundError,
  type Caller,
  type Resource,
  type StatusCause,
  IAM_GROUP,
} from '@mortise/api';
import {
  aggregateRules,
  bindingObject,
  type BindingKindName,
  type BindingObject,
  type EscalationGuard,
  type GrantScope,
  type RbacIndex,
  type RoleKindName,
  type RoleObject,
} from '@mortise/authz';
import { getIfExists, type ObjectRef, type ResourceStore } from '@mortise/store';
import { MEMBER_ROLE_LABEL, MEMBER_USER_LABEL, PROJECT, USER, WORKSPACE } from './tenancy-kinds.js';

export type MemberScope = Exclude<GrantScope, { level: 'global' }>;

export interface Member {
  username: string;
  role: string;
}

const KINDS: Record<MemberScope['level'], { binding: BindingKindName; role: RoleKindName }> = {
  workspace: { binding: 'WorkspaceRoleBinding', role: 'WorkspaceRole' },
  project: { binding: 'RoleBinding', role: 'Role' },
};

function storeScope(scope: MemberScope): string {
  return scope.level === 'workspace' ? scope.workspace : scope.project;
}

function describe(scope: MemberScope): string {
  return scope.level === 'workspace' ? `workspace "${scope.workspace}"` : `project "${scope.project}"`;
}

function stringField(body: Record<string, unknown>, field: string, causes: StatusCause[]): string {
  const value = body[field];
  if (typeof value === 'string' && value !== '') return value;
  causes.push({ reason: 'FieldValueRequired', field, message: `${field} is required and must be a string` });
  return '';
}

/** The name of the binding that makes `username` a member with `role`. */
export function memberBindingName(username: string, role: string): string {
  return `${username}-${role}`;
}

/** The binding that makes `username` a member of `scope` with `role`, labelled so members can be listed. */
export function memberBinding(scope: MemberScope, username: string, role: string): BindingObject {
  return bindingObject(
    KINDS[scope.level].binding,
    memberBindingName(username, role),
    scope,
    role,
    [{ kind: 'User', name: username }],
    {
      [MEMBER_USER_LABEL]: username,
      [MEMBER_ROLE_LABEL]: role,
    },
  );
}

/**
 * Members of a workspace or project: one role per user per scope, kept as
 * a labelled binding. Handing out a role is subject to escalation rules.
 */
export class MembersService {
  constructor(
    private readonly store: ResourceStore,
    private readonly index: RbacIndex,
    private readonly guard: EscalationGuard,
  ) {}

  /** The scope named by a workspace, checking it exists. */
  async workspaceScope(workspace: string): Promise<MemberScope> {
    await this.store.get({ ...WORKSPACE, name: workspace });
    return { level: 'workspace', workspace };
  }

  /** The scope named by a project, with the workspace it belongs to. */
  async projectScope(project: string): Promise<MemberScope> {
    const found = await this.store.list(PROJECT, { fieldSelector: `metadata.name=${project}` });
    const workspace = found.items[0]?.metadata.workspace;
    if (!workspace) throw new NotFoundError(`project "${project}" not found`, { kind: 'Project', name: project });
    return { level: 'project', project, workspace };
  }

  async list(_caller: Caller, scope: MemberScope): Promise<{ items: Member[] }> {
    const bindings = await this.store.list(
      { group: IAM_GROUP, kind: KINDS[scope.level].binding },
      { scope: storeScope(scope), labelSelector: MEMBER_USER_LABEL },
    );
    const items = bindings.items
      .filter((b) => !b.metadata.deletionTimestamp)
      .map((b) => ({ username: b.metadata.labels?.[MEMBER_USER_LABEL] ?? '', role: (b as BindingObject).roleRef.name }))
      .sort((a, b) => a.username.localeCompare(b.username));
    return { items };
  }

  async get(_caller: Caller, scope: MemberScope, username: string): Promise<Member> {
    const binding = await this.existing(scope, username);
    if (!binding) throw this.notMember(scope, username);
    return { username, role: binding.roleRef.name };
  }

  async add(caller: Caller, scope: MemberScope, body: unknown): Promise<Member> {
    const { username, role } = this.parse(body, true);
    await this.assertUserExists(username);
    const existing = await this.existing(scope, username);
    if (existing) {
      throw new AlreadyExistsError(
        `user "${username}" is already a member of ${describe(scope)} with role "${existing.roleRef.name}"; change the role with PUT .../members/${username}`,
        { kind: 'Member', name: username },
      );
    }
    await this.grant(caller, scope, username, role);
    return { username, role };
  }

  async update(caller: Caller, scope: MemberScope, username: string, body: unknown): Promise<Member> {
    const { role } = this.parse(body, false);
    const existing = await this.existing(scope, username);
    if (!existing) throw this.notMember(scope, username);
    if (existing.roleRef.name === role) return { username, role };
    await this.grant(caller, scope, username, role);
    await this.revoke(existing);
    return { username, role };
  }

  async remove(_caller: Caller, scope: MemberScope, username: string): Promise<void> {
    const existing = await this.existing(scope, username);
    if (!existing) throw this.notMember(scope, username);
    await this.revoke(existing);
  }

  private async grant(caller: Caller, scope: MemberScope, username: string, roleName: string): Promise<void> {
    const roleKind = KINDS[scope.level].role;
    const role = await getIfExists<RoleObject>(this.store, {
      group: IAM_GROUP,
      kind: roleKind,
      scope: storeScope(scope),
      name: roleName,
    });
    if (!role) {
      throw new NotFoundError(`role "${roleName}" not found in ${describe(scope)}`, { kind: roleKind, name: roleName });
    }
    this.guard.assertMayBind(caller, roleKind, roleName, aggregateRules(role, this.index.roleTemplates()), scope);
    const stored = await this.store.create(memberBinding(scope, username, roleName));
    this.index.apply('ADDED', stored);
  }

  private async revoke(binding: Resource): Promise<void> {
    const ref: ObjectRef = { group: IAM_GROUP, kind: binding.kind, name: binding.metadata.name };
    const scope = binding.metadata.namespace ?? binding.metadata.workspace;
    if (scope) ref.scope = scope;
    const removed = await this.store.delete(ref);
    this.index.apply('DELETED', removed);
  }

  private async existing(scope: MemberScope, username: string): Promise<BindingObject | undefined> {
    const found = await this.store.list(
      { group: IAM_GROUP, kind: KINDS[scope.level].binding },
      { scope: storeScope(scope), labelSelector: `${MEMBER_USER_LABEL}=${username}` },
    );
    return found.items.find((b) => !b.metadata.deletionTimestamp) as BindingObject | undefined;
  }

  private async assertUserExists(username: string): Promise<void> {
    if (!(await getIfExists(this.store, { ...USER, name: username }))) {
      throw new NotFoundError(`user "${username}" not found`, { kind: 'User', name: username });
    }
  }

  private notMember(scope: MemberScope, username: string): NotFoundError {
    return new NotFoundError(`user "${username}" is not a member of ${describe(scope)}`, {
      kind: 'Member',
      name: username,
    });
  }

  private parse(body: unknown, withUsername: boolean): Member {
    const fields =
      typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const causes: StatusCause[] = [];
    const username = withUsername ? stringField(fields, 'username', causes) : '';
    const role = stringField(fields, 'role', causes);
    if (causes.length > 0) throw new InvalidError('the member is invalid', { causes });
    return { username, role };
  }
}
