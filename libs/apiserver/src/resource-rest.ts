import {
  BadRequestError,
  InvalidError,
  NotFoundError,
  UnsupportedMediaTypeError,
  apiVersionOf,
  type KindDefinition,
  type KindRegistry,
  type Resource,
  type ResourceList,
} from '@mortise/api';
import type { DeleteOptions, JsonPatchOperation, KindRef, ObjectRef, Patch, ResourceStore } from '@mortise/store';
import { isJsonObject, resourceFromBody } from './resource-body.js';
import type { ListQuery } from './list-query.js';
import { stampScope } from './scope-stamp.js';
import { storeScopeOf, type ResourceTarget } from './resource-target.js';

/** Checks a whole object against its kind's schema; throws InvalidError with field causes. */
export type ResourceValidator = (object: Resource) => void;
export type ResourceValidatorFactory = (def: KindDefinition) => ResourceValidator;

export const MERGE_PATCH_TYPE = 'application/merge-patch+json';
export const JSON_PATCH_TYPE = 'application/json-patch+json';

const PROJECT_KIND = { group: 'tenant.mortise.io', kind: 'Project' } as const;

export interface ResourceRestOptions {
  store: ResourceStore;
  kinds: KindRegistry;
  /** Compiles a kind's validator once; the result is cached per kind definition. */
  validatorFor: ResourceValidatorFactory;
}

function kindRef(def: KindDefinition): KindRef {
  return { group: def.group, kind: def.kind };
}

function objectRef(target: ResourceTarget): ObjectRef {
  const ref: ObjectRef = { group: target.def.group, kind: target.def.kind, name: target.name };
  const scope = storeScopeOf(target);
  if (scope !== undefined) ref.scope = scope;
  return ref;
}

/**
 * The generic REST semantics of every served kind, free of HTTP framework
 * types: the catch-all route, in-process extension dispatch and tests call
 * the same methods. Each takes a resolved target and the parsed input.
 */
export class ResourceRest {
  private readonly validators = new WeakMap<KindDefinition, ResourceValidator>();

  constructor(private readonly options: ResourceRestOptions) {}

  get store(): ResourceStore {
    return this.options.store;
  }

  async get(target: ResourceTarget): Promise<Resource> {
    return this.options.store.get(objectRef(target));
  }

  async list(target: ResourceTarget, query: ListQuery): Promise<ResourceList> {
    const scope = storeScopeOf(target);
    const list = await this.options.store.list(kindRef(target.def), {
      ...(scope !== undefined ? { scope } : {}),
      ...(query.labelSelector !== undefined ? { labelSelector: query.labelSelector } : {}),
      ...(query.fieldSelector !== undefined ? { fieldSelector: query.fieldSelector } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
      ...(query.continue !== undefined ? { continue: query.continue } : {}),
    });
    return {
      apiVersion: apiVersionOf(target.def),
      kind: `${target.def.kind}List`,
      metadata: list.metadata,
      items: list.items,
    };
  }

  async create(target: ResourceTarget, body: unknown): Promise<Resource> {
    const object = resourceFromBody(body, target.def, '');
    stampScope(object, target, await this.projectWorkspace(target));
    this.validate(target.def, object);
    return this.options.store.create(object);
  }

  async update(target: ResourceTarget, body: unknown): Promise<Resource> {
    const object = resourceFromBody(body, target.def, target.name);
    stampScope(object, target, await this.projectWorkspace(target));
    this.validate(target.def, object);
    return this.options.store.update(object, target.subresource === 'status' ? { subresource: 'status' } : {});
  }

  async patch(target: ResourceTarget, contentType: string, body: unknown): Promise<Resource> {
    const patch = toPatch(contentType, body);
    return this.options.store.patch(objectRef(target), patch, {
      ...(target.subresource === 'status' ? { subresource: 'status' as const } : {}),
      validate: (patched, previous) => {
        assertIdentityKept(patched, previous);
        this.validate(target.def, patched);
      },
    });
  }

  async delete(target: ResourceTarget, body: unknown): Promise<Resource> {
    return this.options.store.delete(objectRef(target), deleteOptionsFrom(body));
  }

  /** Deletes every object the selectors match, one by one; returns what was deleted. */
  async deleteCollection(target: ResourceTarget, query: ListQuery): Promise<ResourceList> {
    const { limit: _limit, continue: _continue, ...selectors } = query;
    const matched = await this.list(target, { ...selectors, allowWatchBookmarks: false });
    const deleted: Resource[] = [];
    for (const item of matched.items) {
      const ref: ObjectRef = { ...kindRef(target.def), name: item.metadata.name };
      const scope = item.metadata.namespace ?? item.metadata.workspace;
      if (scope !== undefined) ref.scope = scope;
      try {
        deleted.push(await this.options.store.delete(ref));
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
    return { ...matched, items: deleted };
  }

  private validate(def: KindDefinition, object: Resource): void {
    let validator = this.validators.get(def);
    if (!validator) {
      validator = this.options.validatorFor(def);
      this.validators.set(def, validator);
    }
    validator(object);
  }

  /** A project-scoped object also carries its project's workspace, read from the Project object. */
  private async projectWorkspace(target: ResourceTarget): Promise<string | undefined> {
    if (target.def.scope !== 'namespace') return undefined;
    const missing = new NotFoundError(`project "${target.project}" not found`, {
      kind: 'Project',
      name: target.project,
    });
    if (!this.options.kinds.findByKind(PROJECT_KIND.group, PROJECT_KIND.kind)) throw missing;
    const found = await this.options.store.list(PROJECT_KIND, { fieldSelector: `metadata.name=${target.project}` });
    const workspace = found.items[0]?.metadata.workspace;
    if (workspace === undefined) throw missing;
    return workspace;
  }
}

function mediaType(contentType: string): string {
  return contentType.split(';')[0]?.trim().toLowerCase() ?? '';
}

export function toPatch(contentType: string, body: unknown): Patch {
  const type = mediaType(contentType);
  if (type === MERGE_PATCH_TYPE) {
    if (!isJsonObject(body)) throw new BadRequestError('a merge patch must be a JSON object');
    return { type: 'merge', patch: body };
  }
  if (type === JSON_PATCH_TYPE) {
    if (!Array.isArray(body)) throw new BadRequestError('a JSON patch must be an array of operations');
    for (const [index, op] of body.entries()) {
      if (!isJsonObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') {
        throw new BadRequestError(`JSON patch operation ${index} needs string "op" and "path"`);
      }
    }
    return { type: 'json', patch: body as JsonPatchOperation[] };
  }
  throw new UnsupportedMediaTypeError(
    `PATCH needs Content-Type ${MERGE_PATCH_TYPE} or ${JSON_PATCH_TYPE}, got "${type || 'none'}"`,
  );
}

function assertIdentityKept(patched: Resource, previous: Resource): void {
  const causes = [];
  for (const field of ['name', 'namespace', 'workspace'] as const) {
    if (patched.metadata[field] !== previous.metadata[field]) {
      causes.push({
        reason: 'FieldValueForbidden',
        field: `metadata.${field}`,
        message: `metadata.${field} cannot change`,
      });
    }
  }
  if (patched.kind !== previous.kind || patched.apiVersion !== previous.apiVersion) {
    causes.push({ reason: 'FieldValueForbidden', field: 'kind', message: 'kind and apiVersion cannot change' });
  }
  if (causes.length > 0) throw new InvalidError(`${previous.kind} "${previous.metadata.name}" is invalid`, { causes });
}

function deleteOptionsFrom(body: unknown): DeleteOptions {
  if (!isJsonObject(body)) return {};
  const preconditions = body.preconditions;
  if (isJsonObject(preconditions) && typeof preconditions.resourceVersion === 'string') {
    return { resourceVersion: preconditions.resourceVersion };
  }
  return {};
}
