import {
  ANONYMOUS_CALLER,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  type Authenticator,
  type Authorizer,
  type Caller,
  type Decision,
  type GroupDispatcherRegistry,
  type RequestInfo,
} from '@mortise/api';
import { resolveRequestInfo } from '@mortise/authz';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate } from './authenticate.js';
import { authorize } from './authorize.js';
import { sendErrorStatus } from './error-status.js';
import { PublicRouteRegistry } from './public-routes.js';
import { REQUEST_ID_HEADER } from './request-id.js';
import './fastify-request.js';

/** What the pipeline knows about a finished request; observers record metrics and audit. */
export interface CompletedRequest {
  requestId: string;
  method: string;
  /** Route template (`/kapis/:group/:version/*`), the dispatcher's name, or `unmatched`; never the raw path. */
  route: string;
  statusCode: number;
  seconds: number;
  caller: Caller | undefined;
  info: RequestInfo | undefined;
}

export type CompletedRequestObserver = (completed: CompletedRequest, request: FastifyRequest) => void;

export interface RequestPipelineOptions {
  /** Credential strategies, asked in order (identity plugs in here). */
  authenticators?: readonly Authenticator[];
  /** Decides every non-public request; absent means the API is not authorized (the kernel warns loudly). */
  authorizer?: Authorizer;
  publicRoutes?: PublicRouteRegistry;
  observers?: readonly CompletedRequestObserver[];
  /**
   * Backends of API groups the kernel does not serve itself (in-process
   * extensions, remote APIServices): an authorized request they own is handed
   * to them raw, body unread.
   */
  dispatchers?: GroupDispatcherRegistry;
}

/**
 * The stages every request passes, as hooks on the root Fastify instance
 * around plain functions, so Nest routes, the generic resource REST, the
 * reverse proxy and in-process extension dispatch share them:
 * request id and timing → authentication → RequestInfo → authorization →
 * (dispatch) → observers (metrics, audit) on response.
 */
export class RequestPipeline {
  readonly publicRoutes: PublicRouteRegistry;
  private readonly authenticators: Authenticator[];
  private authorizer: Authorizer | undefined;
  private authenticationRequired = false;
  private readonly observers: CompletedRequestObserver[];
  private readonly dispatchers: GroupDispatcherRegistry | undefined;

  constructor(options: RequestPipelineOptions = {}) {
    this.dispatchers = options.dispatchers;
    this.authenticators = [...(options.authenticators ?? [])];
    this.authorizer = options.authorizer;
    this.publicRoutes = options.publicRoutes ?? new PublicRouteRegistry();
    this.observers = [...(options.observers ?? [])];
  }

  /** Adds a credential strategy after those given at construction. */
  useAuthenticator(authenticator: Authenticator): this {
    this.authenticators.push(authenticator);
    return this;
  }

  /**
   * From now on a non-public request without a credential is refused with
   * 401 (and `WWW-Authenticate`): when the authorizer denies it (the
   * authorizer still decides, and may grant anonymous access), or at once
   * when there is no authorizer. Identity calls this once it can issue
   * credentials.
   */
  requireAuthentication(): this {
    this.authenticationRequired = true;
    return this;
  }

  /** Sets the authorizer; there is exactly one. */
  useAuthorizer(authorizer: Authorizer): this {
    this.authorizer = authorizer;
    return this;
  }

  observe(observer: CompletedRequestObserver): this {
    this.observers.push(observer);
    return this;
  }

  /** The authorizer in force, if any. */
  get currentAuthorizer(): Authorizer | undefined {
    return this.authorizer;
  }

  get isAuthorized(): boolean {
    return this.authorizer !== undefined;
  }

  /**
   * The decision the authorization stage would make, for checks made inside a
   * request (an extension's `can`). Without an authorizer the API is not
   * authorized and everything is allowed, as for requests.
   */
  async decide(caller: Caller, info: RequestInfo): Promise<Decision> {
    if (!this.authorizer) return { allowed: true, reason: 'no authorizer is configured' };
    return this.authorizer.authorize(caller, info);
  }

  /**
   * Installs the stages on the root instance, before any route. Error and
   * not-found responses are `installStatusHandlers` (bare Fastify) or the
   * framework's equivalent (the kernel's Nest exception filter).
   */
  install(app: FastifyInstance): void {
    app.decorateRequest('caller', null as unknown as Caller);
    app.decorateRequest('requestInfo', null as unknown as RequestInfo);
    app.decorateRequest('receivedAt', 0n);
    app.decorateRequest('dispatchedTo', null);
    app.decorateRequest('decision', null);

    // One callback-style hook for every stage: a request whose credential
    // and decision are cached passes without a promise or a microtask.
    app.addHook('onRequest', (request, reply, done) => this.begin(request, reply, done));
    app.addHook('onResponse', (request, reply, done) => {
      this.complete(request, reply);
      done();
    });
  }

  /** Request id and timing, RequestInfo, then authentication. */
  private begin(request: FastifyRequest, reply: FastifyReply, done: HookDone): void {
    request.receivedAt = process.hrtime.bigint();
    void reply.header(REQUEST_ID_HEADER, request.id);
    const info = (request.requestInfo = resolveRequestInfo(request.method, request.url));
    const isPublic = this.publicRoutes.isPublic(info.path);
    let caller: Caller | Error | Promise<Caller>;
    try {
      caller = authenticate(this.authenticators, request);
    } catch (err) {
      caller = this.unauthenticated(err, isPublic);
    }
    if (caller instanceof Promise) {
      caller.then(
        (c) => this.authenticated(request, reply, done, c, isPublic),
        (err: unknown) => this.authenticated(request, reply, done, this.unauthenticated(err, isPublic), isPublic),
      );
    } else {
      this.authenticated(request, reply, done, caller, isPublic);
    }
  }

  /** A stale credential must not break the public endpoints (health probes, token refresh). */
  private unauthenticated(err: unknown, isPublic: boolean): Caller | Error {
    return isPublic && err instanceof UnauthorizedError ? ANONYMOUS_CALLER : asError(err);
  }

  /** Authorization of a non-public request. */
  private authenticated(
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookDone,
    caller: Caller | Error,
    isPublic: boolean,
  ): void {
    if (caller instanceof Error) return done(caller);
    request.caller = caller;
    if (isPublic) return this.dispatch(request, reply, done);
    const mustLogIn = this.authenticationRequired && caller.credential === 'anonymous';
    if (!this.authorizer) return mustLogIn ? done(loginRequired()) : this.dispatch(request, reply, done);
    let decision: Decision | Promise<Decision>;
    try {
      decision = authorize(this.authorizer, caller, request.requestInfo, (d) => (request.decision = d));
    } catch (err) {
      return done(this.refused(request, err, mustLogIn));
    }
    if (decision instanceof Promise) {
      decision.then(
        () => this.dispatch(request, reply, done),
        (err: unknown) => done(this.refused(request, err, mustLogIn)),
      );
    } else {
      this.dispatch(request, reply, done);
    }
  }

  private refused(request: FastifyRequest, err: unknown, mustLogIn: boolean): Error {
    request.log.warn(
      { user: request.caller.user.username, verb: request.requestInfo.verb, path: request.requestInfo.path },
      'request denied',
    );
    // Refused without a credential: the answer is "log in" (401), not "forbidden".
    return mustLogIn && err instanceof ForbiddenError ? loginRequired() : asError(err);
  }

  /** Hands a request for a dispatched group to its backend, raw and body unread; anything else goes on to its route. */
  private dispatch(request: FastifyRequest, reply: FastifyReply, done: HookDone): void {
    let handedOver: Promise<void> | void;
    try {
      // A group's guards may refuse here (e.g. an extension not enabled in the workspace).
      const dispatcher = this.dispatchers?.route(request.requestInfo);
      if (!dispatcher) return done();
      request.dispatchedTo = dispatcher.name;
      reply.hijack();
      // The hijacked reply's headers are never written: the request id goes on the raw response.
      reply.raw.setHeader(REQUEST_ID_HEADER, request.id);
      handedOver = dispatcher.dispatch(request.raw, reply.raw, {
        requestId: request.id,
        caller: request.caller,
        info: request.requestInfo,
      });
    } catch (err) {
      return done(asError(err));
    }
    if (handedOver instanceof Promise) handedOver.then(() => done(), done);
    else done();
  }

  /** Error and not-found handlers answering with a Status, for a root instance not managed by Nest. */
  static installStatusHandlers(app: FastifyInstance): void {
    app.setErrorHandler((err, request, reply) => sendErrorStatus(request, reply, err));
    app.setNotFoundHandler((request, reply) => sendErrorStatus(request, reply, notFoundRoute(request)));
  }

  private complete(request: FastifyRequest, reply: FastifyReply): void {
    if (this.observers.length === 0) return;
    const started = request.receivedAt || process.hrtime.bigint();
    const completed: CompletedRequest = {
      requestId: request.id,
      method: request.method,
      route: request.routeOptions.url ?? request.dispatchedTo ?? 'unmatched',
      statusCode: reply.statusCode,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
      caller: request.caller ?? undefined,
      info: request.requestInfo ?? undefined,
    };
    for (const observer of this.observers) {
      try {
        observer(completed, request);
      } catch (err) {
        request.log.error({ err }, 'request observer failed');
      }
    }
  }
}

type HookDone = (err?: Error) => void;

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function loginRequired(): UnauthorizedError {
  return new UnauthorizedError('log in first: send a bearer token, an API key or the session cookie');
}

export function notFoundRoute(request: FastifyRequest): NotFoundError {
  const path = request.url.split('?')[0] ?? request.url;
  return new NotFoundError(`the server could not find the requested resource (${request.method} ${path})`);
}
