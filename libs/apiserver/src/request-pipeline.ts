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
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@mortise/observability';
import { RequestInfoCache } from '@mortise/authz';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate } from './authenticate.js';
import { authorize } from './authorize.js';
import { sendErrorStatus, writeErrorStatus } from './error-status.js';
import { PublicRouteRegistry } from './public-routes.js';
import { FASTIFY, RAW, notFound, type Carrier, type HookDone } from './pipeline-carriers.js';
import { RawExchange, type PipelineRequest } from './raw-exchange.js';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.js';
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
  /** The authorization decision; null for public paths, without an authorizer, or before authorization. */
  decision: Decision | null;
  /** The peer's address. */
  sourceIp: string;
}

export type CompletedRequestObserver = (completed: CompletedRequest) => void;

/** The next handler of a raw request the pipeline does not take itself (Fastify's). */
export type RawRequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

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
  /** Where requests taken at the HTTP server (`serveRaw`) log denials and failures. */
  logger?: Logger;
}

/** The RequestInfo a raw request was resolved to before it went on to Fastify (resolved once). */
const RESOLVED_INFO = Symbol('mortise.request-info');
type CarriesInfo = IncomingMessage & { [RESOLVED_INFO]?: RequestInfo };
const EXCHANGE = Symbol('mortise.exchange');
type CarriesExchange = ServerResponse & { [EXCHANGE]?: RawExchange };

/**
 * The stages every request passes, so Nest routes, the generic resource
 * REST, the reverse proxy and in-process extension dispatch share them:
 * request id and timing → RequestInfo → authentication → authorization →
 * (dispatch) → observers (metrics, audit) on response. Two entries run them:
 * `serveRaw` at the HTTP server for dispatched requests, and hooks on the
 * root Fastify instance (`install`) for everything else.
 */
export class RequestPipeline {
  readonly publicRoutes: PublicRouteRegistry;
  private readonly authenticators: Authenticator[];
  private authorizer: Authorizer | undefined;
  private authenticationRequired = false;
  private readonly observers: CompletedRequestObserver[];
  private readonly dispatchers: GroupDispatcherRegistry | undefined;
  private readonly logger: Logger | undefined;
  /** Set once the server starts closing: raw requests then go to Fastify, which answers 503. */
  private closing = false;
  /** The `close` listener of every raw request's response (one function; the exchange rides on the response). */
  private readonly rawResponseClosed: (this: CarriesExchange) => void;
  /** One shared RequestInfo per method and URL; the authorizer caches decisions by it. */
  private readonly requestInfos = new RequestInfoCache();

  constructor(options: RequestPipelineOptions = {}) {
    this.dispatchers = options.dispatchers;
    this.logger = options.logger;
    const complete = (exchange: RawExchange, statusCode: number): void =>
      this.complete(exchange, statusCode, undefined);
    this.rawResponseClosed = function (this: CarriesExchange) {
      const exchange = this[EXCHANGE];
      if (!exchange) return;
      this[EXCHANGE] = undefined;
      complete(exchange, this.statusCode);
    };
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
    app.decorateRequest('receivedAt', 0);
    app.decorateRequest('dispatchedTo', null);
    app.decorateRequest('decision', null);

    // One callback-style hook for every stage: a request whose credential
    // and decision are cached passes without a promise or a microtask.
    app.addHook('onRequest', (request, reply, done) => {
      request.receivedAt = performance.now();
      void reply.header(REQUEST_ID_HEADER, request.id);
      request.requestInfo =
        (request.raw as CarriesInfo)[RESOLVED_INFO] ?? this.requestInfos.resolve(request.method, request.url);
      this.begin(request, reply, FASTIFY, done);
    });
    app.addHook('onResponse', (request, reply, done) => {
      this.complete(request, reply.statusCode, request.routeOptions.url);
      done();
    });
    app.addHook('preClose', (done) => {
      this.closing = true;
      done();
    });
  }

  /**
   * The entry for Node's HTTP server, before Fastify: a request whose path a
   * dispatcher owns (an extension's group, an APIService, the reverse proxy)
   * passes the same stages here and goes to its dispatcher raw, without
   * Fastify's request, reply, routing and hooks, which it would not use.
   * Everything else, and everything once the server is closing, goes to
   * `next` (Fastify), with its RequestInfo already resolved.
   */
  serveRaw(req: IncomingMessage, res: ServerResponse, next: RawRequestHandler): void {
    if (this.closing || this.dispatchers === undefined) return next(req, res);
    const receivedAt = performance.now();
    const info = this.requestInfos.resolve(req.method ?? 'GET', req.url ?? '/');
    const owner = this.dispatchers.owner(info);
    if (owner === undefined) {
      (req as CarriesInfo)[RESOLVED_INFO] = info;
      return next(req, res);
    }
    const exchange = new RawExchange(
      req,
      res,
      requestIdFrom(req.headers[REQUEST_ID_HEADER]),
      info,
      owner,
      receivedAt,
      this.logger,
    );
    (res as CarriesExchange)[EXCHANGE] = exchange;
    // `on`, not `once`: a response closes once, and `once` wraps and later removes the listener.
    res.on('close', this.rawResponseClosed);
    this.begin(exchange, res, RAW, (err) => {
      if (err) writeErrorStatus(res, exchange.id, err, this.logger);
    });
  }

  /** Authentication, then authorization and dispatch. */
  private begin<R extends PipelineRequest, T>(request: R, transport: T, carrier: Carrier<R, T>, done: HookDone): void {
    const info = request.requestInfo;
    const isPublic = this.publicRoutes.isPublic(info.path);
    let caller: Caller | Error | Promise<Caller>;
    try {
      caller = authenticate(this.authenticators, request);
    } catch (err) {
      caller = this.unauthenticated(err, isPublic);
    }
    if (caller instanceof Promise) {
      caller.then(
        (c) => this.authenticated(request, transport, carrier, done, c, isPublic),
        (err: unknown) =>
          this.authenticated(request, transport, carrier, done, this.unauthenticated(err, isPublic), isPublic),
      );
    } else {
      this.authenticated(request, transport, carrier, done, caller, isPublic);
    }
  }

  /** A stale credential must not break the public endpoints (health probes, token refresh). */
  private unauthenticated(err: unknown, isPublic: boolean): Caller | Error {
    return isPublic && err instanceof UnauthorizedError ? ANONYMOUS_CALLER : asError(err);
  }

  /** Authorization of a non-public request. */
  private authenticated<R extends PipelineRequest, T>(
    request: R,
    transport: T,
    carrier: Carrier<R, T>,
    done: HookDone,
    caller: Caller | Error,
    isPublic: boolean,
  ): void {
    if (caller instanceof Error) return done(caller);
    request.caller = caller;
    if (isPublic) return this.dispatch(request, transport, carrier, done);
    const mustLogIn = this.authenticationRequired && caller.credential === 'anonymous';
    if (!this.authorizer) {
      return mustLogIn ? done(loginRequired()) : this.dispatch(request, transport, carrier, done);
    }
    let decision: Decision | Promise<Decision>;
    try {
      decision = authorize(this.authorizer, caller, request.requestInfo, (d) => (request.decision = d));
    } catch (err) {
      return done(this.refused(request, err, mustLogIn));
    }
    if (decision instanceof Promise) {
      decision.then(
        () => this.dispatch(request, transport, carrier, done),
        (err: unknown) => done(this.refused(request, err, mustLogIn)),
      );
    } else {
      this.dispatch(request, transport, carrier, done);
    }
  }

  private refused(request: PipelineRequest, err: unknown, mustLogIn: boolean): Error {
    request.log.warn(
      { user: request.caller.user.username, verb: request.requestInfo.verb, path: request.requestInfo.path },
      'request denied',
    );
    // Refused without a credential: the answer is "log in" (401), not "forbidden".
    return mustLogIn && err instanceof ForbiddenError ? loginRequired() : asError(err);
  }

  /**
   * Hands a request for a dispatched group or path to its backend, raw and
   * body unread; the backend writes the request id with its answer. Anything
   * else goes on to its route.
   */
  private dispatch<R extends PipelineRequest, T>(
    request: R,
    transport: T,
    carrier: Carrier<R, T>,
    done: HookDone,
  ): void {
    let handedOver: Promise<void> | void;
    try {
      // A group's guards may refuse here (e.g. an extension not enabled in the workspace).
      const dispatcher = carrier.route(request, this.dispatchers);
      if (!dispatcher) return carrier.unrouted(request, done);
      request.dispatchedTo = dispatcher.name;
      handedOver = carrier.handOver(request, transport, dispatcher, {
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

  private complete(request: PipelineRequest, statusCode: number, route: string | undefined): void {
    if (this.observers.length === 0) return;
    const now = performance.now();
    const started = request.receivedAt || now;
    const completed: CompletedRequest = {
      requestId: request.id,
      method: request.method,
      route: route ?? request.dispatchedTo ?? 'unmatched',
      statusCode,
      seconds: (now - started) / 1000,
      caller: request.caller ?? undefined,
      info: request.requestInfo ?? undefined,
      decision: request.decision ?? null,
      sourceIp: request.ip,
    };
    for (const observer of this.observers) {
      try {
        observer(completed);
      } catch (err) {
        request.log.error({ err }, 'request observer failed');
      }
    }
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function loginRequired(): UnauthorizedError {
  return new UnauthorizedError('log in first: send a bearer token, an API key or the session cookie');
}

export function notFoundRoute(request: FastifyRequest): NotFoundError {
  return notFound(request.method, request.url);
}
