import {
  ALL_VERBS,
  type Authorizer,
  type Caller,
  type DispatchContext,
  type RequestInfo,
  type RequestVerb,
  type UserInfo,
} from '@mortise/api';
import type { ExtensionAuthorizer, ExtensionCaller, ExtensionScope, ResourceSpec } from '@mortise/sdk';

const RESOURCE_VERBS = new Set<string>(ALL_VERBS);

function requestInfoFor(
  own: { group: string; apiVersion: string },
  verb: string,
  spec: ResourceSpec,
  scope: ExtensionScope,
): RequestInfo {
  const { group = own.group, resource: path, name = '' } = typeof spec === 'string' ? { resource: spec } : spec;
  const [resource = '', subresource = ''] = path.split('/');
  const workspace = scope.workspace ?? '';
  const project = scope.project ?? '';
  const where = project ? `/namespaces/${project}` : workspace ? `/workspaces/${workspace}` : '';
  return {
    isResourceRequest: true,
    path: `/kapis/${group}/${own.apiVersion}${where}/${[resource, name, subresource].filter(Boolean).join('/')}`,
    verb: (RESOURCE_VERBS.has(verb) ? verb : 'get') as RequestVerb,
    apiGroup: group,
    apiVersion: own.apiVersion,
    resource,
    subresource,
    name,
    scope: project ? 'namespace' : workspace ? 'workspace' : 'global',
    workspace,
    project,
  };
}

/** The `ExtensionCaller` of one dispatched request; a class, not a closure, as it is made per request. */
class DispatchedCaller implements ExtensionCaller {
  readonly user: Readonly<UserInfo>;
  readonly workspace: string | undefined;
  readonly project: string | undefined;

  constructor(
    readonly kernelCaller: Caller,
    info: RequestInfo,
    private readonly bridge: KernelAuthorizerBridge,
  ) {
    this.user = kernelCaller.user;
    this.workspace = info.workspace || undefined;
    this.project = info.project || undefined;
  }

  can(verb: string, resource: ResourceSpec, scope?: ExtensionScope): Promise<boolean> {
    return this.bridge.can(this, verb, resource, scope);
  }
}

/**
 * Answers an extension's `can(...)` with the kernel's one authorizer (the
 * decision point the pipeline uses), so an extension's own checks and the
 * kernel's agree. Unknown verbs are refused rather than guessed.
 */
export class KernelAuthorizerBridge implements ExtensionAuthorizer {
  constructor(
    private readonly authorizer: Authorizer,
    private readonly own: { group: string; apiVersion: string },
  ) {}

  /** The `ExtensionCaller` of one dispatched request. */
  callerFor(context: Pick<DispatchContext, 'caller' | 'info'>): ExtensionCaller {
    return new DispatchedCaller(context.caller, context.info, this);
  }

  async can(caller: ExtensionCaller, verb: string, resource: ResourceSpec, scope?: ExtensionScope): Promise<boolean> {
    if (!(caller instanceof DispatchedCaller) || !RESOURCE_VERBS.has(verb)) return false;
    const where = scope ?? {
      ...(caller.workspace ? { workspace: caller.workspace } : {}),
      ...(caller.project ? { project: caller.project } : {}),
    };
    const decision = await this.authorizer.authorize(
      caller.kernelCaller,
      requestInfoFor(this.own, verb, resource, where),
    );
    return decision.allowed;
  }
}
