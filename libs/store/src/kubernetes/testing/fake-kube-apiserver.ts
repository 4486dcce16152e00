import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fieldMatcher, labelMatcher } from './fake-kube-selectors.js';
import { FakeKubeState, type DeleteOptionsBody, type StoredEvent } from './fake-kube-state.js';
import {
  KubeStatusError,
  type CustomResourceDefinition,
  type KubeObject,
  type ResourceType,
} from './fake-kube-types.js';

export interface FakeKubeApiServerOptions {
  /** How many changes are retained for watches and continue tokens; older ones answer 410. */
  historyLimit?: number;
  /** How often a watch that allows bookmarks receives one (real servers: about a minute). */
  bookmarkIntervalMs?: number;
  customResourceDefinitions?: CustomResourceDefinition[];
}

const BUILT_IN_TYPES: ResourceType[] = [
  { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', custom: false, statusSubresource: false },
  {
    group: 'coordination.k8s.io',
    version: 'v1',
    plural: 'leases',
    kind: 'Lease',
    custom: false,
    statusSubresource: false,
  },
];

interface Route {
  type: ResourceType;
  namespace: string;
  name?: string;
  subresource?: string;
}

/**
 * A test double of the Kubernetes API server for the endpoints the
 * kubernetes store uses: namespaced custom resources of installed CRDs,
 * Secrets and Leases, with list (label and field selectors, limit and
 * continue), watch (from a resourceVersion, bookmarks, 410 Expired as an
 * ERROR event), create, update, merge patch, the status subresource and
 * delete with preconditions and finalizers. Errors are `Status` bodies with
 * the codes and reasons of the real server.
 */
export class FakeKubeApiServer {
  readonly state: FakeKubeState;
  private readonly types = new Map<string, ResourceType>();
  private readonly watches = new Set<ServerResponse>();
  private readonly server: Server;
  private readonly bookmarkIntervalMs: number;

  private constructor(options: FakeKubeApiServerOptions) {
    this.state = new FakeKubeState(options.historyLimit);
    this.bookmarkIntervalMs = options.bookmarkIntervalMs ?? 50;
    for (const type of BUILT_IN_TYPES) this.types.set(`${type.group}/${type.version}/${type.plural}`, type);
    for (const crd of options.customResourceDefinitions ?? []) this.installCustomResourceDefinition(crd);
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  static async start(options: FakeKubeApiServerOptions = {}): Promise<FakeKubeApiServer> {
    const fake = new FakeKubeApiServer(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  installCustomResourceDefinition(crd: CustomResourceDefinition): void {
    if (crd.spec.scope !== 'Namespaced') throw new Error(`${crd.metadata.name}: only namespaced CRDs are served`);
    for (const version of crd.spec.versions.filter((v) => v.served)) {
      const type: ResourceType = {
        group: crd.spec.group,
        version: version.name,
        plural: crd.spec.names.plural,
        kind: crd.spec.names.kind,
        custom: true,
        statusSubresource: version.subresources?.status !== undefined,
      };
      if (version.schema) type.schema = version.schema.openAPIV3Schema;
      this.types.set(`${type.group}/${type.version}/${type.plural}`, type);
    }
  }

  /** Ends every open watch, as a server restart or a watch timeout would. */
  dropWatches(): void {
    for (const res of this.watches) res.end();
    this.watches.clear();
  }

  async close(): Promise<void> {
    this.dropWatches();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://fake');
      const route = this.route(url.pathname);
      const query = url.searchParams;
      const body = await readBody(req);
      const status = route.subresource === 'status';
      if (route.subresource !== undefined && !status) throw notFoundPath();
      const { type, namespace, name } = route;
      switch (req.method ?? '') {
        case 'GET':
          if (name !== undefined) return send(res, 200, this.state.get(type, namespace, name));
          if (query.get('watch') === 'true' || query.get('watch') === '1') return this.watch(route, query, res);
          return send(res, 200, this.listBody(route, query));
        case 'POST':
          if (name !== undefined) throw methodNotAllowed();
          return send(res, 201, this.state.create(type, namespace, parseJson(body) as KubeObject));
        case 'PUT':
          if (name === undefined) throw methodNotAllowed();
          return send(res, 200, this.state.update(type, namespace, name, parseJson(body) as KubeObject, status));
        case 'PATCH': {
          if (name === undefined) throw methodNotAllowed();
          const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim();
          if (contentType !== 'application/merge-patch+json') {
            throw new KubeStatusError(
              415,
              'UnsupportedMediaType',
              `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json`,
            );
          }
          return send(res, 200, this.state.mergePatch(type, namespace, name, parseJson(body), status));
        }
        case 'DELETE': {
          if (name === undefined) throw methodNotAllowed();
          const options = (body.length > 0 ? parseJson(body) : {}) as DeleteOptionsBody;
          const result = this.state.delete(type, namespace, name, options);
          const pending =
            result.metadata?.deletionTimestamp !== undefined && (result.metadata.finalizers ?? []).length > 0;
          // Custom resources answer with the object; built-in kinds like Secret with a Success Status once gone.
          if (type.custom || pending) return send(res, pending ? 202 : 200, result);
          return send(res, 200, {
            apiVersion: 'v1',
            kind: 'Status',
            metadata: {},
            status: 'Success',
            details: { name, group: type.group, kind: type.plural, uid: result.metadata?.uid },
          });
        }
        default:
          throw methodNotAllowed();
      }
    } catch (err) {
      const error =
        err instanceof KubeStatusError
          ? err
          : new KubeStatusError(500, 'InternalError', `fake apiserver: ${String(err)}`);
      if (!res.headersSent) send(res, error.code, error.toStatus());
      else res.end();
    }
  }

  private route(path: string): Route {
    const parts = path.split('/').filter((p) => p !== '');
    let group: string;
    let rest: string[];
    if (parts[0] === 'api') {
      group = '';
      rest = parts.slice(1);
    } else if (parts[0] === 'apis' && parts.length > 1) {
      group = parts[1]!;
      rest = parts.slice(2);
    } else throw notFoundPath();
    const [version, namespaces, namespace, plural, name, subresource, ...extra] = rest;
    if (namespaces !== 'namespaces' || !namespace || !plural || extra.length > 0) throw notFoundPath();
    const type = this.types.get(`${group}/${version}/${plural}`);
    if (!type) throw notFoundPath();
    const route: Route = { type, namespace };
    if (name !== undefined) route.name = decodeURIComponent(name);
    if (subresource !== undefined) route.subresource = subresource;
    return route;
  }

  private listBody(route: Route, query: URLSearchParams): KubeObject {
    const limit = query.get('limit');
    const list = this.state.list(route.type, route.namespace, {
      labelSelector: query.get('labelSelector') ?? undefined,
      fieldSelector: query.get('fieldSelector') ?? undefined,
      limit: limit === null ? undefined : Number(limit),
      continue: query.get('continue') ?? undefined,
    });
    const metadata: Record<string, unknown> = { resourceVersion: list.resourceVersion };
    if (list.continue) metadata.continue = list.continue;
    if (list.remainingItemCount !== undefined) metadata.remainingItemCount = list.remainingItemCount;
    const { type } = route;
    return {
      apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
      kind: `${type.kind}List`,
      metadata,
      items: list.items,
    };
  }

  private watch(route: Route, query: URLSearchParams, res: ServerResponse): void {
    const { type, namespace } = route;
    const matchLabels = labelMatcher(query.get('labelSelector') ?? undefined);
    const matchFields = fieldMatcher(query.get('fieldSelector') ?? undefined);
    const matches = (o: KubeObject | undefined) =>
      o !== undefined && matchLabels(o.metadata?.labels ?? {}) && matchFields(o);
    const apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    this.watches.add(res);
    const write = (eventType: string, object: unknown) => res.write(`${JSON.stringify({ type: eventType, object })}\n`);
    const prefix = `${type.group}/${type.plural}/${namespace}/`;
    // A change that moves an object into or out of the selection is seen as ADDED or DELETED, as the watch cache does.
    const deliver = (event: StoredEvent) => {
      if (!event.key.startsWith(prefix)) return;
      const now = event.type === 'DELETED' ? false : matches(event.object);
      const before = event.type === 'ADDED' ? false : matches(event.previous);
      if (event.type === 'DELETED' && before) write('DELETED', event.object);
      else if (now && before) write('MODIFIED', event.object);
      else if (now) write('ADDED', event.object);
      else if (before) {
        // Leaving the selection: the last state that matched, at the version of the change.
        const last = structuredClone(event.previous!);
        last.metadata = { ...last.metadata, resourceVersion: String(event.rv) };
        write('DELETED', last);
      }
    };
    const from = query.get('resourceVersion');
    let backlog: StoredEvent[];
    if (from === null || from === '' || from === '0') {
      const items = this.state.list(type, namespace, {}).items;
      backlog = items.map((object) => ({ rv: 0, key: prefix + object.metadata!.name, type: 'ADDED', object }));
    } else {
      try {
        backlog = this.state.eventsSince(type, namespace, Number(from));
      } catch (err) {
        if (!(err instanceof KubeStatusError)) throw err;
        write('ERROR', err.toStatus());
        this.watches.delete(res);
        res.end();
        return;
      }
    }
    for (const event of backlog) deliver(event);
    const unsubscribe = this.state.subscribe(deliver);
    const timers: NodeJS.Timeout[] = [];
    if (query.get('allowWatchBookmarks') === 'true') {
      timers.push(
        setInterval(
          () =>
            write('BOOKMARK', {
              apiVersion,
              kind: type.kind,
              metadata: { resourceVersion: this.state.resourceVersion },
            }),
          this.bookmarkIntervalMs,
        ),
      );
    }
    const timeoutSeconds = Number(query.get('timeoutSeconds') ?? 0);
    if (timeoutSeconds > 0) timers.push(setTimeout(() => res.end(), timeoutSeconds * 1000));
    res.on('close', () => {
      unsubscribe();
      for (const timer of timers) clearTimeout(timer);
      this.watches.delete(res);
    });
  }
}

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new KubeStatusError(400, 'BadRequest', 'the body of the request is not valid JSON');
  }
}

function notFoundPath(): KubeStatusError {
  return new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource');
}

function methodNotAllowed(): KubeStatusError {
  return new KubeStatusError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}
