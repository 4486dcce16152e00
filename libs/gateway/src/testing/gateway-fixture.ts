import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  ANONYMOUS_CALLER,
  ApiGroupRegistry,
  AUTHENTICATED_GROUP,
  isMortiseError,
  toStatus,
  UnauthorizedError,
  ForbiddenError,
  type Authorizer,
  type Caller,
  type RequestInfo,
  type Resource,
} from '@mortise/api';
import { MemoryStore } from '@mortise/store';
import { GatewayCatalog } from '../catalog/gateway-catalog.js';
import { Gateway } from '../gateway.js';
import { registerGatewayRoutes } from '../http/gateway-routes.js';
import { IdentityTokenIssuer } from '../identity/identity-token-issuer.js';
import { JwtIdentityTokenSigner } from '../identity/identity-token-signer.js';
import { resolveRequestInfo } from '@mortise/authz';
import type { ApiServiceDispatcher } from '../routing/api-service-dispatcher.js';

export const TEST_ISSUER = 'https://mortise.test';

/** Allows what `rules` says for each user; everyone else is refused. */
export type TestRules = Record<string, (info: RequestInfo) => boolean>;

function callerFor(username: string, credential: Caller['credential']): Caller {
  return { user: { username, uid: `uid-${username}`, groups: [AUTHENTICATED_GROUP, `${username}-team`] }, credential };
}

/**
 * A kernel stand-in: the pipeline's authentication and authorization hooks
 * (`Authorization: Bearer user:<name>` or the `mortise_session=<name>`
 * cookie), a memory store, the gateway and its catalog, on a random port.
 */
export class GatewayFixture {
  readonly store = new MemoryStore();
  readonly groups = new ApiGroupRegistry();
  readonly app: FastifyInstance;
  readonly gateway: Gateway;
  readonly catalog: GatewayCatalog;
  readonly jwks: { keys: JsonWebKey[] };
  readonly authorizer: Authorizer;
  url = '';

  /** The kernel's group dispatch, when the fixture was asked to emulate it. */
  readonly dispatchers = new Map<string, ApiServiceDispatcher>();

  constructor(rules: TestRules, options: { extensionFiles?: Record<string, string>; groupDispatch?: boolean } = {}) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'ES256', use: 'sig' }] };
    const signer = new JwtIdentityTokenSigner(() => ({ kid: 'test-key', algorithm: 'ES256', privateKey }));
    this.authorizer = {
      authorize: (caller, info) => {
        const allowed = rules[caller.user.username]?.(info) ?? false;
        return { allowed, reason: allowed ? 'test rule' : 'no test rule allows it' };
      },
    };
    this.groups.claim('iam.mortise.io', { type: 'kernel' });
    this.gateway = new Gateway({
      groups: this.groups,
      identity: new IdentityTokenIssuer(signer, { issuer: TEST_ISSUER }),
      authorizer: this.authorizer,
      breaker: { failureThreshold: 3, openMs: 200 },
      ...(options.groupDispatch
        ? {
            dispatchers: {
              set: (group: string, d: ApiServiceDispatcher) => void this.dispatchers.set(group, d),
              delete: (group: string) => void this.dispatchers.delete(group),
            },
          }
        : {}),
      ...(options.extensionFiles
        ? { extensionFiles: { rootOf: (name: string) => options.extensionFiles?.[name] } }
        : {}),
    });
    this.catalog = new GatewayCatalog(this.store, this.gateway, { health: { intervalMs: 60_000 } });
    this.app = Fastify();
    this.installPipeline();
    if (options.groupDispatch) this.installGroupDispatch();
    registerGatewayRoutes(this.app, this.gateway, { menus: { recheckMs: 60_000 } });
  }

  private installPipeline(): void {
    const app = this.app;
    app.decorateRequest('caller', null);
    app.decorateRequest('requestInfo', null);
    app.addHook('onRequest', async (request) => {
      const r = request as unknown as { caller: Caller; requestInfo: RequestInfo };
      r.requestInfo = resolveRequestInfo(request.method, request.url);
      const auth = request.headers.authorization;
      const session = /mortise_session=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
      if (auth?.startsWith('Bearer user:')) r.caller = callerFor(auth.slice(12), 'token');
      else if (session) r.caller = callerFor(session, 'cookie');
      else r.caller = ANONYMOUS_CALLER;
      if (r.requestInfo.path.startsWith('/dist/')) return;
      if (r.caller === ANONYMOUS_CALLER) throw new UnauthorizedError('log in first');
      const decision = await this.authorizer.authorize(r.caller, r.requestInfo);
      if (!decision.allowed) throw new ForbiddenError(decision.reason);
    });
    app.setErrorHandler((err, _request, reply) => {
      const status = toStatus(isMortiseError(err) ? err : err);
      const code = isMortiseError(err) ? status.code : ((err as { statusCode?: number }).statusCode ?? 500);
      // As the kernel's error handler does.
      if (status.details?.retryAfterSeconds !== undefined) {
        void reply.header('retry-after', String(status.details.retryAfterSeconds));
      }
      return reply.code(code).send({ ...status, code });
    });
  }

  /** What the kernel does with its dispatcher registry: after authorization, hand the raw request over. */
  private installGroupDispatch(): void {
    this.app.addHook('onRequest', async (request, reply) => {
      const r = request as unknown as { caller: Caller; requestInfo: RequestInfo };
      const group = r.requestInfo.apiGroup || (r.requestInfo.path.split('/')[2] ?? '');
      const dispatcher = r.requestInfo.path.startsWith('/kapis/') ? this.dispatchers.get(group) : undefined;
      if (!dispatcher) return;
      reply.hijack();
      await dispatcher.dispatch(request.raw, reply.raw, {
        requestId: request.id,
        caller: r.caller,
        info: r.requestInfo,
      });
    });
  }

  async start(): Promise<this> {
    await this.catalog.start();
    await this.app.listen({ port: 0, host: '127.0.0.1' });
    this.url = `http://127.0.0.1:${(this.app.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await this.catalog.stop();
    await this.app.close();
    await this.gateway.close();
  }

  /** Creates an object and waits until the catalog has written its status. */
  async create<T extends Resource>(
    object: T,
  ): Promise<T & { status?: { state?: string; conditions?: Array<{ reason?: string; message?: string }> } }> {
    const created = await this.store.create(object);
    return this.waitForStatus(created) as Promise<T & { status?: { state?: string } }>;
  }

  async waitForStatus(object: Resource, timeoutMs = 2_000): Promise<Resource & { status?: { state?: string } }> {
    const deadline = Date.now() + timeoutMs;
    const ref = { group: 'extensions.mortise.io', kind: object.kind, name: object.metadata.name };
    for (;;) {
      const current = (await this.store.get(ref)) as Resource & {
        status?: { state?: string; conditions?: Array<{ observedGeneration?: number }> };
      };
      const observed = current.status?.conditions?.find(() => true)?.observedGeneration;
      if (current.status?.state && observed === current.metadata.generation) return current;
      if (Date.now() > deadline) throw new Error(`no status on ${object.kind}/${object.metadata.name}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Waits until the catalog has dropped an object's route (deletes write no status). */
  async settle(): Promise<void> {
    await new Promise((r) => setTimeout(r, 30));
  }
}

export function bearer(user: string): Record<string, string> {
  return { authorization: `Bearer user:${user}` };
}
