import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authorizer, KindDefinition, KindRegistry, Resource } from '@mortise/api';
import type { WatchEvent } from '@mortise/store';
import { sendErrorStatus } from './error-status.js';
import { parseListQuery } from './list-query.js';
import { JSON_PATCH_TYPE, MERGE_PATCH_TYPE, type ResourceRest } from './resource-rest.js';
import { resolveResourceTarget, storeScopeOf } from './resource-target.js';
import { watchStream, type OpenWatches } from './watch-stream.js';
import './fastify-request.js';

/** The catch-all under which every kind, kernel or extension, is served. */
export const RESOURCE_ROUTE = '/kapis/:group/:version/*';

export interface ResourceRoutesOptions {
  kinds: KindRegistry;
  rest: ResourceRest;
  watches: OpenWatches;
  /** How often a watch that asked for bookmarks gets one. */
  bookmarkIntervalMs?: number;
  /** The authorizer in force (it may be set after the routes), to narrow lists and watches allowed in part. */
  authorizer?: () => Authorizer | undefined;
}

/** Query parameters as strings, for admission plugins (`?cascade=true`). */
function queryOptions(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

/**
 * The items a partly allowed list or watch may show: those the caller may
 * `get`. Without a way to ask per object, nothing is shown (default deny).
 */
function visibleFilter(
  request: FastifyRequest,
  def: KindDefinition,
  authorizer: Authorizer | undefined,
): ((object: Resource) => boolean) | undefined {
  if (!request.decision?.filtered) return undefined;
  const mayGet = authorizer?.mayGet?.bind(authorizer);
  if (!mayGet) return () => false;
  return (object) => mayGet(request.caller, def.group, def.plural, object);
}

async function* filterEvents(
  events: AsyncIterable<WatchEvent>,
  visible: (object: Resource) => boolean,
): AsyncIterable<WatchEvent> {
  for await (const event of events) {
    if (event.type === 'BOOKMARK' || visible(event.object)) yield event;
  }
}

const PATCH_TYPES = [
  MERGE_PATCH_TYPE,
  JSON_PATCH_TYPE,
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

/**
 * Registers ONE route for all kinds; the kind is looked up per request from
 * the registry, so kinds added at run time are served at once and removed
 * ones disappear. Patch media types parse as JSON; those we do not apply are
 * refused with 415 by the handler.
 */
export function registerResourceRoutes(app: FastifyInstance, options: ResourceRoutesOptions): void {
  // Its own plugin scope: the error handler and patch parsers belong to these routes whatever framework owns the root.
  void app.register(async (scope) => {
    scope.setErrorHandler((err, request, reply) => sendErrorStatus(request, reply, err));
    scope.addContentTypeParser(PATCH_TYPES, { parseAs: 'string' }, scope.getDefaultJsonParser('error', 'error'));
    scope.route({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url: RESOURCE_ROUTE,
      handler: resourceHandler(options),
    });
  });
}

function resourceHandler(
  options: ResourceRoutesOptions,
): (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> {
  const { kinds, rest, watches } = options;

  const handle = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const target = resolveResourceTarget(kinds, request.requestInfo);
    const visible = visibleFilter(request, target.def, options.authorizer?.());
    const ctx = { caller: request.caller, options: queryOptions(request.query), ...(visible ? { visible } : {}) };
    switch (target.verb) {
      case 'get':
        return rest.get(target, ctx);
      case 'list':
        return rest.list(target, parseListQuery(request.query), ctx);
      case 'watch': {
        const query = parseListQuery(request.query);
        const controller = watches.track();
        const end = (): void => controller.abort();
        request.raw.once('close', end);
        reply.raw.once('close', end);
        const timer = query.timeoutSeconds ? setTimeout(end, query.timeoutSeconds * 1000) : undefined;
        controller.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
        const scope = storeScopeOf(target);
        const labelSelector = rest.labelSelectorFor(target, query, ctx);
        const events = rest.store.watch({
          kind: { group: target.def.group, kind: target.def.kind },
          ...(scope !== undefined ? { scope } : {}),
          ...(labelSelector !== undefined ? { labelSelector } : {}),
          ...(query.fieldSelector !== undefined ? { fieldSelector: query.fieldSelector } : {}),
          ...(query.resourceVersion !== undefined ? { resourceVersion: query.resourceVersion } : {}),
          ...(query.allowWatchBookmarks ? { bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000 } : {}),
          signal: controller.signal,
        });
        const stream = watchStream(visible ? filterEvents(events, visible) : events, {
          allowBookmarks: query.allowWatchBookmarks,
          signal: controller.signal,
        });
        stream.once('close', end);
        // Send the headers now: a watch from the current version may not have an event for a long time.
        setImmediate(() => {
          if (!reply.raw.headersSent && !reply.raw.destroyed) reply.raw.flushHeaders();
        });
        return reply.type('application/json;stream=watch').send(stream);
      }
      case 'create':
        return reply.code(201).send(await rest.create(target, request.body, ctx));
      case 'update':
        return rest.update(target, request.body, ctx);
      case 'patch':
        return rest.patch(target, request.headers['content-type'] ?? '', request.body, ctx);
      case 'delete':
        return rest.delete(target, request.body, ctx);
      case 'deletecollection':
        return rest.deleteCollection(target, parseListQuery(request.query), ctx);
      default: {
        const unreachable: never = target.verb;
        return unreachable;
      }
    }
  };
  return handle;
}
