import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KindRegistry } from './kind-registry.js';
import type { Caller, RequestInfo } from './request-context.js';

/** What the pipeline established about a request before handing it to a dispatcher. */
export interface DispatchContext {
  requestId: string;
  caller: Caller;
  info: RequestInfo;
}

/**
 * A backend that serves the paths of one API group the kernel does not serve
 * itself: an in-process extension or a remote upstream. It owns the raw
 * request and must answer it (the body is still unread); the returned promise
 * may settle before the answer is sent. It is called only after
 * authentication and authorization passed, and must not throw.
 */
export interface GroupDispatcher {
  /** Who answers, for logs and metrics: `extension/announcements`. */
  readonly name: string;
  /** May answer synchronously once the request is handed over (an in-process extension does). */
  dispatch(request: IncomingMessage, response: ServerResponse, context: DispatchContext): Promise<void> | void;
}

/**
 * Asked before a request to a dispatched group goes anywhere; throws a domain
 * error (e.g. NotFoundError: the extension is not enabled in this workspace) to refuse.
 */
export type DispatchGuard = (info: RequestInfo, group: string) => void;

/**
 * Dispatchers by API group. The kernel serves the plurals of registered kinds
 * (and their `status`); every other path in a group with a dispatcher goes to
 * it, subresources of declared kinds included.
 */
export class GroupDispatcherRegistry {
  private readonly dispatchers = new Map<string, GroupDispatcher>();
  private readonly guards: DispatchGuard[] = [];

  constructor(private readonly kinds?: KindRegistry) {}

  set(group: string, dispatcher: GroupDispatcher): void {
    this.dispatchers.set(group, dispatcher);
  }

  /** Removes the group's dispatcher if it is still `dispatcher` (a newer one is left alone). */
  delete(group: string, dispatcher?: GroupDispatcher): void {
    if (dispatcher === undefined || this.dispatchers.get(group) === dispatcher) this.dispatchers.delete(group);
  }

  /** Adds a check every request to a dispatched group passes, declared kinds' plurals included. */
  addGuard(guard: DispatchGuard): void {
    this.guards.push(guard);
  }

  /** Whether every guard lets a request like `info` into `group` (menus hide what a request would not reach). */
  admits(info: RequestInfo, group: string): boolean {
    try {
      for (const guard of this.guards) guard(info, group);
      return true;
    } catch {
      return false;
    }
  }

  get(group: string): GroupDispatcher | undefined {
    return this.dispatchers.get(group);
  }

  /** The dispatcher that should answer this request, or undefined when the kernel serves it. */
  route(info: RequestInfo): GroupDispatcher | undefined {
    const group = info.apiGroup || groupOfPath(info.path);
    if (!group) return undefined;
    const dispatcher = this.dispatchers.get(group);
    if (!dispatcher) return undefined;
    for (const guard of this.guards) guard(info, group);
    const servedKind =
      info.isResourceRequest &&
      (info.subresource === '' || info.subresource === 'status') &&
      this.kinds?.findByPlural(info.apiGroup, info.apiVersion, info.resource) !== undefined;
    return servedKind ? undefined : dispatcher;
  }
}

/** `/kapis/{group}/...` paths too deep to be resource requests still belong to their group. */
function groupOfPath(path: string): string {
  if (!path.startsWith('/kapis/')) return '';
  const end = path.indexOf('/', 7);
  return end < 0 ? '' : path.slice(7, end);
}
