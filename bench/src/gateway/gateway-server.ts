import { generateKeyPairSync } from 'node:crypto';
import Fastify from 'fastify';
import { SignJWT, jwtVerify, createLocalJWKSet, type JWK } from 'jose';
import { Histogram, Registry } from 'prom-client';
import {
  ApiGroupRegistry,
  ForbiddenError,
  UnauthorizedError,
  type Caller,
  type RequestInfo,
  type ReverseProxy,
} from '@mortise/api';
import {
  Gateway,
  IdentityTokenIssuer,
  JwtIdentityTokenSigner,
  nonResourceInfo,
  registerGatewayRoutes,
} from '@mortise/gateway';

export interface StartedGateway {
  url: string;
  /** A bearer token the gateway accepts. */
  token: string;
}

/**
 * The gateway behind the same stages as the kernel's pipeline: bearer JWT
 * verification (ES256, cached per token until it expires, as identity
 * does), RequestInfo, an authorization decision (cached per user and path,
 * as authorization does), the identity token, and a Prometheus histogram
 * observed per request.
 */
export async function startGateway(upstream: string): Promise<StartedGateway> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwks = createLocalJWKSet({
    keys: [{ ...(publicKey.export({ format: 'jwk' }) as JWK), kid: 'k1', alg: 'ES256' }],
  });
  const token = await new SignJWT({ groups: ['system:authenticated'] })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setSubject('bench-user')
    .setAudience('mortise')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);

  const verified = new Map<string, { caller: Caller; exp: number }>();
  const decisions = new Map<string, boolean>();
  const registry = new Registry();
  const latency = new Histogram({
    name: 'mortise_http_request_duration_seconds',
    help: 'request latency',
    labelNames: ['route', 'method', 'code'],
    registers: [registry],
  });

  const gateway = new Gateway({
    groups: new ApiGroupRegistry(),
    identity: new IdentityTokenIssuer(
      new JwtIdentityTokenSigner(() => ({ kid: 'k1', algorithm: 'ES256', privateKey })),
      {
        issuer: 'http://bench',
      },
    ),
    authorizer: { authorize: () => ({ allowed: true, reason: 'bench' }) },
  });
  const route: ReverseProxy = {
    apiVersion: 'extensions.mortise.io/v1',
    kind: 'ReverseProxy',
    metadata: { name: 'bench', labels: { 'extensions.mortise.io/extension': 'bench' } },
    spec: { matcher: { path: '/proxy/bench/*' }, url: upstream, directives: { stripPathPrefix: '/proxy/bench' } },
  };
  gateway.applyReverseProxy(route);

  const app = Fastify();
  app.decorateRequest('caller', null as unknown as Caller);
  app.decorateRequest('requestInfo', null as unknown as RequestInfo);
  app.decorateRequest('receivedAt', 0n);
  app.addHook('onRequest', async (request) => {
    const r = request as unknown as { caller: Caller; requestInfo: RequestInfo; receivedAt: bigint };
    r.receivedAt = process.hrtime.bigint();
    const q = request.url.indexOf('?');
    const path = q < 0 ? request.url : request.url.slice(0, q);
    r.requestInfo = nonResourceInfo(path, request.method);
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer ')) throw new UnauthorizedError('log in');
    const presented = header.slice(7);
    let entry = verified.get(presented);
    if (!entry || entry.exp * 1000 < Date.now()) {
      const { payload } = await jwtVerify(presented, jwks, { audience: 'mortise', algorithms: ['ES256'] });
      entry = {
        caller: {
          user: { username: payload.sub!, uid: payload.sub!, groups: payload.groups as string[] },
          credential: 'token',
        },
        exp: payload.exp!,
      };
      verified.set(presented, entry);
    }
    r.caller = entry.caller;
    const key = `${entry.caller.user.username}\n${request.method}\n${path}`;
    let allowed = decisions.get(key);
    if (allowed === undefined) {
      allowed = true;
      decisions.set(key, allowed);
    }
    if (!allowed) throw new ForbiddenError('no');
  });
  app.addHook('onResponse', async (request, reply) => {
    const started = (request as unknown as { receivedAt: bigint }).receivedAt;
    latency.observe(
      { route: request.routeOptions.url ?? 'unmatched', method: request.method, code: reply.statusCode },
      Number(process.hrtime.bigint() - started) / 1e9,
    );
  });
  registerGatewayRoutes(app, gateway);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, token };
}
