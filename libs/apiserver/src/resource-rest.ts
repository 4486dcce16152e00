import {
  ANONYMOUS_CALLER,
  BadRequestError,
  InvalidError,
  NotFoundError,
  UnsupportedMediaTypeError,
  apiVersionOf,
  type AdmissionOperation,
  type AdmissionRequest,
  type Caller,
  type KindDefinition,
  type KindRegistry,
  type Resource,
  type ResourceList,
} from '@mortise/api';
import {
  applyPatch,
  type DeleteOptions,
  type JsonPatchOperation,
  type KindRef,
  type ObjectRef,
  type Patch,
  type ResourceStore,
} from '@mortise/store';
import type { AdmissionChain } from './admission-chain.js';
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
  /** Checks and side effects of writes (tenancy, escalation, protection); absent: none. */
  admission?: AdmissionChain;
}

/** Keeps list items the caller may see; set when authorization narrowed a list or watch. */
export type ObjectFilter = (object: Resource) => boolean;

/** Who asks, the request's query options (e.g. `cascade`) for admission, and what authorization lets them see. */
export interface RestContext {
  caller: Caller;
  options?: Readonly<Record<string, string>>;
  /** Set when the decision was `filtered`: lists, watches and deletecollection keep only these objects. */
  visible?: ObjectFilter;
}

const NO_CONTEXT: RestContext = { caller: ANONYMOUS_CALLER };

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

  async get(target: ResourceTarget, ctx: RestContext = NO_CONTEXT): Promise<Resource> {
    const object = await this.options.store.get(objectRef(target));
    this.options.admission?.checkAccess(ctx.caller, target.def, object);
    return object;
  }

  /** The client's label selector ANDed with what admission lets this caller see of the kind (lists and watches). */
  labelSelectorFor(
    target: ResourceTarget,
    query: Pick<ListQuery, 'labelSelector'>,
    ctx: RestContext,
  ): string | undefined {
    const narrowed = this.options.admission?.listSelector(ctx.caller, target.def);
    if (!narrowed) return query.labelSelector;
    return query.labelSelector ? `${query.labelSelector},${narrowed}` : narrowed;
  }

  /**
   * With `visible`, only the objects it keeps are returned, and a page is
   * refilled from the following ones until it holds `limit` items or the
   * list ends; no count of hidden objects is given.
   */
  async list(target: ResourceTarget, query: ListQuery, ctx: RestContext = NO_CONTEXT): Promise<ResourceList> {
    const scope = storeScopeOf(target);
    const visible = ctx.visible;
    const labelSelector = this.labelSelectorFor(target, query, ctx);
    const page = (limit: number | undefined, cont: string | undefined) =>
      this.options.store.list(kindRef(target.def), {
        ...(scope !== undefined ? { scope } : {}),
        ...(labelSelector !== undefined ? { labelSelector } : {}),
        ...(query.fieldSelector !== undefined ? { fieldSelector: query.fieldSelector } : {}),
        ...(limit !== undefined ? { limit } : {}),
        ...(cont !== undefined ? { continue: cont } : {}),
      });
    const envelope = { apiVersion: apiVersionOf(target.def), kind: `${target.def.kind}List` };
    if (!visible) {
      const list = await page(query.limit, query.continue);
      return { ...envelope, metadata: list.metadata, items: list.items };
    }
    const items: Resource[] = [];
    let cont = query.continue;
    let resourceVersion = '';
    do {
      // Ask only for what is missing, so a page never holds more visible items than fit.
      const list = await page(query.limit === undefined ? undefined : query.limit - items.length, cont);
      resourceVersion ||= list.metadata.resourceVersion;
      items.push(...list.items.filter(visible));
      cont = list.metadata.continue;
    } while (query.limit !== undefined && items.length < query.limit && cont);
    return { ...envelope, metadata: { resourceVersion, ...(cont ? { continue: cont } : {}) }, items };
  }

  async create(target: ResourceTarget, body: unknown, ctx: RestContext = NO_CONTEXT): Promise<Resource> {
    const object = resourceFromBody(body, target.def, '');
    stampScope(object, target, await this.projectWorkspace(target));
    this.validate(target.def, object);
    const request = await this.admit('create', target.def, ctx, object);
    const created = await this.options.store.create(object);
    return this.written(request, created);
  }

  async update(target: ResourceTarget, body: unknown, ctx: RestContext = NO_CONTEXT): Promise<Resource> {
    const object = resourceFromBody(body, target.def, target.name);
    stampScope(object, target, await this.projectWorkspace(target));
    this.validate(target.def, object);
    if (target.subresource === 'status') return this.options.store.update(object, { subresource: 'status' });
    const request = this.admits(target.def)
      ? await this.admit('update', target.def, ctx, object, await this.readForWrite(target.def, objectRef(target), ctx))
      : undefined;
    const updated = await this.options.store.update(object);
    return this.written(request, updated);
  }

  async patch(
    target: ResourceTarget,
    contentType: string,
    body: unknown,
    ctx: RestContext = NO_CONTEXT,
  ): Promise<Resource> {
    const patch = toPatch(contentType, body);
    if (target.subresource !== 'status' && this.admits(target.def)) {
      // Admission sees the whole patched object; the write is conditional on the version it was built from.
      const previous = await this.readForWrite(target.def, objectRef(target), ctx);
      const patched = applyPatch(previous, patch);
      patched.metadata.resourceVersion ??= previous.metadata.resourceVersion;
      assertIdentityKept(patched, previous);
      this.validate(target.def, patched);
      const request = await this.admit('update', target.def, ctx, patched, previous);
      const updated = await this.options.store.update(patched);
      return this.written(request, updated);
    }
    return this.options.store.patch(objectRef(target), patch, {
      ...(target.subresource === 'status' ? { subresource: 'status' as const } : {}),
      validate: (patched, previous) => {
        assertIdentityKept(patched, previous);
        this.validate(target.def, patched);
      },
    });
  }

  async delete(target: ResourceTarget, body: unknown, ctx: RestContext = NO_CONTEXT): Promise<Resource> {
    return this.deleteOne(target.def, objectRef(target), deleteOptionsFrom(body), ctx);
  }

  /** Deletes every object the selectors match (and `visible` keeps), one by one; returns what was deleted. */
  async deleteCollection(
    target: ResourceTarget,
    query: ListQuery,
    ctx: RestContext = NO_CONTEXT,
  ): Promise<ResourceList> {
    const { limit: _limit, continue: _continue, ...selectors } = query;
    const matched = await this.list(target, { ...selectors, allowWatchBookmarks: false }, ctx);
    const deleted: Resource[] = [];
    for (const item of matched.items) {
      const ref: ObjectRef = { ...kindRef(target.def), name: item.metadata.name };
      const scope = item.metadata.namespace ?? item.metadata.workspace;
      if (scope !== undefined) ref.scope = scope;
      try {
        deleted.push(await this.deleteOne(target.def, ref, {}, ctx));
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
    return { ...matched, items: deleted };
  }

  private async deleteOne(
    def: KindDefinition,
    ref: ObjectRef,
    options: DeleteOptions,
    ctx: RestContext,
  ): Promise<Resource> {
    const current = this.admits(def) ? await this.readForWrite(def, ref, ctx) : undefined;
    const request = current ? await this.admit('delete', def, ctx, current) : undefined;
    const deleted = await this.options.store.delete(ref, options);
    return this.written(request, deleted);
  }

  /** The stored object a write starts from, if the caller may touch it. */
  private async readForWrite(def: KindDefinition, ref: ObjectRef, ctx: RestContext): Promise<Resource> {
    const current = await this.options.store.get(ref);
    this.options.admission?.checkAccess(ctx.caller, def, current);
    return current;
  }

  private admits(def: KindDefinition): boolean {
    return this.options.admission?.handles(def) ?? false;
  }

  private async admit(
    operation: AdmissionOperation,
    kind: KindDefinition,
    ctx: RestContext,
    object: Resource,
    oldObject?: Resource,
  ): Promise<AdmissionRequest | undefined> {
    const chain = this.options.admission;
    if (!chain?.handles(kind)) return undefined;
    const request: AdmissionRequest = { operation, caller: ctx.caller, kind, object, options: ctx.options ?? {} };
    if (oldObject) request.oldObject = oldObject;
    await chain.admit(request);
    return request;
  }

  private async written(request: AdmissionRequest | undefined, stored: Resource): Promise<Resource> {
    return request && this.options.admission ? this.options.admission.written(request, stored) : stored;
  }

  private validate(def: KindDefinition, object: Resource): void {
    this.prepareValidator(def)(object);
  }

  /** Compiles (once) the validator of a kind, so that its first write does not pay for it. */
  prepareValidator(def: KindDefinition): ResourceValidator {
    let validator = this.validators.get(def);
    if (!validator) {
      validator = this.options.validatorFor(def);
      this.validators.set(def, validator);
    }
    return validator;
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
