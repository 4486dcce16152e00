import {
  ALL_VERBS,
  MethodNotAllowedError,
  NotFoundError,
  type KindDefinition,
  type KindRegistry,
  type RequestInfo,
  type RequestScope,
  type Verb,
} from '@mortise/api';

/** A resource request resolved against the kind registry: what kind, where, which object. */
export interface ResourceTarget {
  def: KindDefinition;
  verb: Verb;
  /** The scope named by the path; `global` for a cross-scope list of a scoped kind. */
  scope: RequestScope;
  workspace: string;
  project: string;
  name: string;
  subresource: '' | 'status';
}

const SERVED_VERBS = new Set<string>(ALL_VERBS);
/** Like Kubernetes, a scoped kind may be read across every scope from its global path. */
const CROSS_SCOPE_VERBS = new Set<string>(['list', 'watch']);

function notFound(info: RequestInfo): NotFoundError {
  return new NotFoundError(
    `the server could not find the requested resource: ${info.resource} in ${info.apiGroup}/${info.apiVersion}`,
    { group: info.apiGroup },
  );
}

/**
 * Resolves the kind for this request from the registry (kinds come and go
 * at run time). Unknown and internal kinds, a scope the kind does not live
 * in, and unknown subresources are all 404, so the path tree looks the same
 * to a client whether or not something is hidden.
 */
export function resolveResourceTarget(kinds: KindRegistry, info: RequestInfo): ResourceTarget {
  const def = kinds.findByPlural(info.apiGroup, info.apiVersion, info.resource);
  if (!def || def.internal) throw notFound(info);
  if (!SERVED_VERBS.has(info.verb)) throw new MethodNotAllowedError(`${info.verb} is not supported on resources`);
  const verb = info.verb as Verb;
  const crossScope = info.scope === 'global' && def.scope !== 'global' && CROSS_SCOPE_VERBS.has(verb);
  if (info.scope !== def.scope && !crossScope) throw notFound(info);
  if (info.subresource !== '' && !(info.subresource === 'status' && def.statusSubresource)) throw notFound(info);
  if (info.subresource === 'status' && verb !== 'get' && verb !== 'update' && verb !== 'patch') {
    throw new MethodNotAllowedError(`${verb} is not supported on ${info.resource}/status`);
  }
  if (def.verbs && !def.verbs.includes(verb)) {
    throw new MethodNotAllowedError(`${verb} is not supported on ${info.resource}`, { kind: def.kind });
  }
  if (verb === 'create' && info.name !== '') {
    throw new MethodNotAllowedError(`create by POST to the collection ${info.resource}, not to a named object`);
  }
  return {
    def,
    verb,
    scope: info.scope,
    workspace: info.scope === 'global' ? '' : info.workspace,
    project: info.project,
    name: info.name,
    subresource: info.subresource === 'status' ? 'status' : '',
  };
}

/** The store partition of the target: its project, its workspace, or none. */
export function storeScopeOf(target: ResourceTarget): string | undefined {
  switch (target.scope) {
    case 'global':
      return undefined;
    case 'workspace':
      return target.workspace;
    case 'namespace':
      return target.project;
    default: {
      const unreachable: never = target.scope;
      return unreachable;
    }
  }
}
