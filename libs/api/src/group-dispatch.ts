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
  /** Non-resource path prefixes outside `/kapis/` with their dispatcher (the reverse proxy's `/proxy/`). */
  private readonly prefixes: Array<{ prefix: string; dispatcher: GroupDispatcher }> = [];

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

  /**
   * Hands every path under `prefix` (e.g. `/proxy/`) to `dispatcher`; group
   * guards do not apply (such paths belong to no group), authorization does.
   */
  setPathPrefix(prefix: string, dispatcher: GroupDispatcher): void {
    if (prefix.startsWith('/kapis/') || !prefix.startsWith('/') || !prefix.endsWith('/')) {
      throw new Error(`dispatched path prefix "${prefix}" must start and end with "/" and lie outside /kapis/`);
    }
    this.deletePathPrefix(prefix);
    this.prefixes.push({ prefix, dispatcher });
  }

  deletePathPrefix(prefix: string): void {
    const at = this.prefixes.findIndex((p) => p.prefix === prefix);
    if (at >= 0) this.prefixes.splice(at, 1);
  }

  /**
   * The dispatcher that owns this request's path, before any guard is asked:
   * says only where the request would go, so a server can take it down the
   * dispatch path early. `route` still decides, after authorization.
   */
  owner(info: RequestInfo): GroupDispatcher | undefined {
    const byPrefix = this.byPathPrefix(info.path);
    if (byPrefix) return byPrefix;
    const dispatcher = this.dispatchers.get(info.apiGroup || groupOfPath(info.path));
    return dispatcher && !this.servesKind(info) ? dispatcher : undefined;
  }

  /**
   * The dispatcher that should answer this request, or undefined when the
   * kernel serves it. The group's guards may refuse, also for the plurals of
   * its declared kinds, which the kernel serves.
   */
  route(info: RequestInfo): GroupDispatcher | undefined {
    const byPrefix = this.byPathPrefix(info.path);
    if (byPrefix) return byPrefix;
    const group = info.apiGroup || groupOfPath(info.path);
    const dispatcher = this.dispatchers.get(group);
    if (!dispatcher) return undefined;
    for (const guard of this.guards) guard(info, group);
    return this.servesKind(info) ? undefined : dispatcher;
  }

  private byPathPrefix(path: string): GroupDispatcher | undefined {
    for (let i = 0; i < this.prefixes.length; i++) {
      const entry = this.prefixes[i];
      if (path.startsWith(entry.prefix)) return entry.dispatcher;
    }
    return undefined;
  }

  /** A declared kind's plural (or its status): the kernel serves it even in a dispatched group. */
  private servesKind(info: RequestInfo): boolean {
    return (
      info.isResourceRequest &&
      (info.subresource === '' || info.subresource === 'status') &&
      this.kinds?.findByPlural(info.apiGroup, info.apiVersion, info.resource) !== undefined
    );
  }
}

/** `/kapis/{group}/...` paths too deep to be resource requests still belong to their group. */
function groupOfPath(path: string): string {
  if (!path.startsWith('/kapis/')) return '';
  const end = path.indexOf('/', 7);
  return end < 0 ? '' : path.slice(7, end);
}
