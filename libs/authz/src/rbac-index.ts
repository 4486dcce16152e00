import { type Resource, IAM_GROUP, TENANT_GROUP, type PolicyRule } from '@mortise/api';
import { scopeOf, type WatchEventType } from '@mortise/store';
import { aggregateRules } from './role-aggregation.js';
import {
  API_KEY_KIND,
  PROJECT_KIND,
  ROLE_KIND_FOR_BINDING,
  ROLE_TEMPLATE_KIND,
  USER_KIND,
  grantScopeOf,
  isBindingKind,
  isRoleKind,
  type RoleKindName,
} from './rbac-kinds.js';
import type { Grant } from './rule-compiler.js';
import type { BindingObject, RoleObject, RoleTemplateObject } from './rbac-types.js';

function objectKey(object: Resource): string {
  return `${object.kind}/${scopeOf(object) ?? ''}/${object.metadata.name}`;
}

function roleKey(kind: RoleKindName, scope: string, name: string): string {
  return `${kind}/${scope}/${name}`;
}

/** Orders resourceVersions; they are one increasing counter, but opaque, so compare as numbers only when both are. */
function isOlder(incoming: string | undefined, known: string | undefined): boolean {
  if (incoming === undefined || known === undefined) return false;
  const a = Number(incoming);
  const b = Number(known);
  return Number.isFinite(a) && Number.isFinite(b) && a < b;
}

/** The parts of an object decisions depend on; a change elsewhere (status, timestamps) changes no decision. */
function decisionInputs(object: Resource): string {
  const { spec, status, metadata } = object as Resource & { spec?: unknown; status?: { id?: string } };
  switch (object.kind) {
    case USER_KIND:
      return JSON.stringify((spec as { groups?: unknown } | undefined)?.groups ?? []);
    case API_KEY_KIND:
      return JSON.stringify([(spec as { rules?: unknown } | undefined)?.rules, status?.id]);
    case PROJECT_KIND:
      return metadata.workspace ?? '';
    default: {
      const { status: _status, metadata: meta, ...rest } = object;
      return JSON.stringify([rest, meta.labels, Boolean(meta.deletionTimestamp)]);
    }
  }
}

/** The kinds whose changes alter decisions. */
export function isAuthorizationRelevant(object: Pick<Resource, 'apiVersion' | 'kind'>): boolean {
  const group = object.apiVersion.split('/')[0];
  if (group === TENANT_GROUP) return object.kind === PROJECT_KIND;
  if (group !== IAM_GROUP) return false;
  return (
    isRoleKind(object.kind) ||
    isBindingKind(object.kind) ||
    object.kind === ROLE_TEMPLATE_KIND ||
    object.kind === USER_KIND ||
    object.kind === API_KEY_KIND
  );
}

/**
 * An in-memory view of everything decisions depend on: roles, bindings,
 * templates, users' groups, API key restrictions and which workspace each
 * project belongs to. It is fed from the store's watch (and directly by
 * this replica's own writes, so they count before the watch event arrives);
 * stale events are recognised by resourceVersion and ignored.
 */
export class RbacIndex {
  private readonly objects = new Map<string, Resource>();
  private readonly versions = new Map<string, string>();
  private readonly bindingsBySubject = new Map<string, Set<string>>();
  private readonly templates = new Map<string, RoleTemplateObject>();
  private readonly projectWorkspace = new Map<string, string>();
  private readonly userGroups = new Map<string, readonly string[]>();
  private readonly apiKeyRules = new Map<string, readonly PolicyRule[] | undefined>();
  private effectiveRulesCache = new Map<string, PolicyRule[]>();
  private readonly listeners = new Set<(object: Resource) => void>();

  /** Applies one change; returns whether it was new (not a replay of something already seen). */
  apply(type: WatchEventType, object: Resource): boolean {
    if (type === 'BOOKMARK' || !isAuthorizationRelevant(object)) return false;
    const key = objectKey(object);
    const version = object.metadata.resourceVersion;
    const known = this.versions.get(key);
    // A delete may carry the object's last version; only a strictly older event is stale then.
    if (isOlder(version, known) || (type !== 'DELETED' && version !== undefined && version === known)) return false;
    if (version !== undefined) this.versions.set(key, version);
    const previous = this.objects.get(key);
    if (previous) this.unindex(key, previous);
    if (type === 'DELETED') this.objects.delete(key);
    else {
      this.objects.set(key, object);
      this.index(key, object);
    }
    // Logins and key use rewrite Users and APIKeys often; only what decisions read drops the caches.
    if (previous && type !== 'DELETED' && decisionInputs(previous) === decisionInputs(object)) return true;
    this.effectiveRulesCache = new Map();
    for (const listener of this.listeners) listener(object);
    return true;
  }

  /** Makes the index hold exactly `objects` (a fresh list after a broken watch); returns whether anything changed. */
  resync(objects: readonly Resource[]): boolean {
    let changed = false;
    const listed = new Set<string>();
    for (const object of objects) {
      listed.add(objectKey(object));
      changed = this.apply('ADDED', object) || changed;
    }
    for (const [key, object] of [...this.objects]) {
      if (!listed.has(key)) changed = this.apply('DELETED', object) || changed;
    }
    return changed;
  }

  onChange(listener: (object: Resource) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  workspaceOfProject(project: string): string | undefined {
    return this.projectWorkspace.get(project);
  }

  groupsOf(username: string): readonly string[] {
    return this.userGroups.get(username) ?? [];
  }

  hasUser(username: string): boolean {
    return this.userGroups.has(username);
  }

  /** Restricting rules of an API key by id or name; undefined when the key carries the owner's full rights. */
  apiKeyRestriction(keyId: string): readonly PolicyRule[] | undefined {
    return this.apiKeyRules.get(keyId);
  }

  roleTemplates(): Iterable<RoleTemplateObject> {
    return this.templates.values();
  }

  role(kind: RoleKindName, scope: string, name: string): RoleObject | undefined {
    return this.objects.get(roleKey(kind, scope, name));
  }

  /** A role's rules with its aggregated RoleTemplates; undefined when the role does not exist. */
  effectiveRules(kind: RoleKindName, scope: string, name: string): PolicyRule[] | undefined {
    const key = roleKey(kind, scope, name);
    const cached = this.effectiveRulesCache.get(key);
    if (cached) return cached;
    const role = this.objects.get(key);
    if (!role) return undefined;
    const rules = aggregateRules(role, this.templates.values());
    this.effectiveRulesCache.set(key, rules);
    return rules;
  }

  /** Every grant reaching a user directly or through one of the groups. */
  grantsFor(username: string, groups: readonly string[]): Grant[] {
    const keys = new Set<string>();
    for (const subject of [`User:${username}`, ...groups.map((g) => `Group:${g}`)]) {
      for (const key of this.bindingsBySubject.get(subject) ?? []) keys.add(key);
    }
    const grants: Grant[] = [];
    for (const key of keys) {
      const binding = this.objects.get(key) as BindingObject | undefined;
      if (!binding || !isBindingKind(binding.kind) || binding.metadata.deletionTimestamp) continue;
      const roleKind = ROLE_KIND_FOR_BINDING[binding.kind];
      if (binding.roleRef.kind !== roleKind) continue;
      const scope = grantScopeOf(binding.kind, binding.metadata);
      const bindingScope = scopeOf(binding) ?? '';
      const rules = this.effectiveRules(roleKind, bindingScope, binding.roleRef.name);
      if (!rules || rules.length === 0) continue;
      const where =
        scope.level === 'global'
          ? {}
          : scope.level === 'workspace'
            ? { workspace: scope.workspace }
            : { project: scope.project, workspace: scope.workspace };
      grants.push({
        rules,
        scope,
        role: { kind: roleKind, name: binding.roleRef.name, ...where },
        binding: { kind: binding.kind, name: binding.metadata.name, ...where },
      });
    }
    return grants;
  }

  /** Bindings of one kind in one scope ('' for global), for members listings. */
  bindingsIn(kind: string, scope: string): BindingObject[] {
    const prefix = `${kind}/${scope}/`;
    const out: BindingObject[] = [];
    for (const [key, object] of this.objects) if (key.startsWith(prefix)) out.push(object as BindingObject);
    return out;
  }

  private index(key: string, object: Resource): void {
    if (isBindingKind(object.kind)) {
      for (const subject of (object as BindingObject).subjects ?? []) {
        const subjectKey = `${subject.kind}:${subject.name}`;
        let set = this.bindingsBySubject.get(subjectKey);
        if (!set) this.bindingsBySubject.set(subjectKey, (set = new Set()));
        set.add(key);
      }
    } else if (object.kind === ROLE_TEMPLATE_KIND) {
      this.templates.set(key, object as RoleTemplateObject);
    } else if (object.kind === PROJECT_KIND) {
      if (object.metadata.workspace) this.projectWorkspace.set(object.metadata.name, object.metadata.workspace);
    } else if (object.kind === USER_KIND) {
      const spec = (object.spec ?? {}) as { groups?: string[] };
      this.userGroups.set(object.metadata.name, spec.groups ?? []);
    } else if (object.kind === API_KEY_KIND) {
      const rules = ((object.spec ?? {}) as { rules?: PolicyRule[] }).rules;
      const id = ((object.status ?? {}) as { id?: string }).id;
      this.apiKeyRules.set(object.metadata.name, rules);
      if (id) this.apiKeyRules.set(id, rules);
    }
  }

  private unindex(key: string, object: Resource): void {
    if (isBindingKind(object.kind)) {
      for (const subject of (object as BindingObject).subjects ?? []) {
        this.bindingsBySubject.get(`${subject.kind}:${subject.name}`)?.delete(key);
      }
    } else if (object.kind === ROLE_TEMPLATE_KIND) {
      this.templates.delete(key);
    } else if (object.kind === PROJECT_KIND) {
      this.projectWorkspace.delete(object.metadata.name);
    } else if (object.kind === USER_KIND) {
      this.userGroups.delete(object.metadata.name);
    } else if (object.kind === API_KEY_KIND) {
      this.apiKeyRules.delete(object.metadata.name);
      const id = ((object.status ?? {}) as { id?: string }).id;
      if (id) this.apiKeyRules.delete(id);
    }
  }
}
