import {
  ApiGroupRegistry,
  ForbiddenError,
  GroupDispatcherRegistry,
  KindRegistry,
  NotFoundError,
  UnauthorizedError,
  toStatus,
  ANONYMOUS_CALLER,
  type Caller,
  type Decision,
} from '@mortise/api';
import { MemoryStore, type ResourceStore } from '@mortise/store';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { registerDevloadRoutes } from '../devload.routes.js';
import { ExtensionRuntime } from '../extension-runtime.js';
import { resolveRequestInfo } from '@mortise/authz';
import { TestAuthorizer, type TestUser } from './test-authorizer.js';

export interface InMemoryKernelOptions {
  /** Users by name; a request carries `Authorization: Bearer <name>`. */
  users?: Record<string, TestUser>;
  store?: ResourceStore;
  requestTimeoutMs?: number;
  drainTimeoutMs?: number;
}

export interface InjectedResponse<T = unknown> {
  status: number;
  headers: Record<string, string | number | string[] | undefined>;
  body: T;
}

/**
 * A kernel reduced to what an extension meets: bearer-name authentication,
 * rule-based authorization, group dispatch into the runtime, a memory store,
 * the devloads route. For extension authors' tests (through the SDK harness)
 * and the runtime's own; the real kernel wires the same runtime.
 */
export class InMemoryKernel {
  readonly kinds: KindRegistry;
  readonly groups: ApiGroupRegistry;
  readonly dispatchers: GroupDispatcherRegistry;
  readonly metrics = new Registry();
  readonly runtime: ExtensionRuntime;

  private constructor(
    readonly store: ResourceStore,
    readonly app: FastifyInstance,
    readonly authorizer: TestAuthorizer,
    options: InMemoryKernelOptions,
  ) {
    this.groups = new ApiGroupRegistry();
    this.kinds = new KindRegistry(this.groups);
    this.dispatchers = new GroupDispatcherRegistry(this.kinds);
    this.runtime = new ExtensionRuntime({
      groups: this.groups,
      kinds: this.kinds,
      dispatchers: this.dispatchers,
      store,
      authorizer,
      metrics: this.metrics,
      ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      ...(options.drainTimeoutMs !== undefined ? { drainTimeoutMs: options.drainTimeoutMs } : {}),
    });
  }

  static async start(options: InMemoryKernelOptions = {}): Promise<InMemoryKernel> {
    const app = Fastify({ logger: false });
    const store = options.store ?? new MemoryStore();
    const users = options.users ?? {};
    const authorizer = new TestAuthorizer(users, store);
    const kernel = new InMemoryKernel(store, app, authorizer, options);
    // Callback style, like the kernel's pipeline: a request authorized synchronously needs no promise.
    app.addHook('onRequest', (request, reply, done) => {
      const info = resolveRequestInfo(request.method, request.url);
      const caller = authenticate(users, request.headers.authorization);
      const proceed = (decision: Decision): void => {
        if (!decision.allowed) {
          return done(new ForbiddenError(`user "${caller.user.username}" cannot ${info.verb} ${info.path}`));
        }
        const dispatcher = kernel.dispatchers.route(info);
        if (!dispatcher) return done();
        reply.hijack();
        const handedOver = dispatcher.dispatch(request.raw, reply.raw, { requestId: request.id, caller, info });
        if (handedOver instanceof Promise) handedOver.then(() => done(), done);
        else done();
      };
      const decision = authorizer.authorize(caller, info);
      if (decision instanceof Promise) decision.then(proceed).catch(done);
      else proceed(decision);
    });
    app.setErrorHandler((err, _request, reply) => {
      const status = toStatus(err);
      void reply.status(status.code).send(status);
    });
    app.setNotFoundHandler((request, reply) => {
      const status = toStatus(new NotFoundError(`the server could not find the requested resource (${request.url})`));
      void reply.status(404).send(status);
    });
    registerDevloadRoutes(app, kernel.runtime);
    await app.ready();
    return kernel;
  }

  /** Listens on a random local port; returns the base URL. */
  async listen(): Promise<string> {
    return this.app.listen({ port: 0, host: '127.0.0.1' });
  }

  async request<T = unknown>(
    user: string | undefined,
    method: string,
    url: string,
    body?: unknown,
  ): Promise<InjectedResponse<T>> {
    const response = await this.app.inject({
      method: method as 'GET',
      url,
      headers: {
        ...(user !== undefined ? { authorization: `Bearer ${user}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    const text = response.body;
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.statusCode, headers: response.headers, body: parsed as T };
  }

  async close(): Promise<void> {
    await this.runtime.close();
    await this.app.close();
  }
}

function authenticate(users: Record<string, TestUser>, header: string | undefined): Caller {
  if (header === undefined) return ANONYMOUS_CALLER;
  const name = header.replace(/^Bearer /, '');
  const user = users[name];
  if (!user) throw new UnauthorizedError('unknown user');
  return {
    user: { username: name, uid: `uid-${name}`, groups: [...(user.groups ?? []), 'system:authenticated'] },
    credential: 'token',
  };
}
