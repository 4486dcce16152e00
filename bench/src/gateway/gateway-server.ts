import { generateKeyPairSync } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { SignJWT, jwtVerify, createLocalJWKSet, type JWK } from 'jose';
import { UnauthorizedError, type Authenticator, type Authorizer, type Caller, type ReverseProxy } from '@mortise/api';
import { IDENTITY_TOKEN_SIGNER, JwtIdentityTokenSigner } from '@mortise/gateway';
import { createKernel } from '@mortise/kernel';

export interface StartedGateway {
  url: string;
  /** A bearer token the kernel accepts. */
  token: string;
}

/**
 * A real kernel (memory store, silent logs) with a ReverseProxy to the
 * upstream. Its pipeline runs what production runs: request id, bearer JWT
 * verification (ES256; verified tokens cached until they expire, as
 * identity does), RequestInfo, an authorization decision cached per user
 * and request (as authorization does), the identity token, metrics and the
 * access log observer.
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

  const verified = new Map<string, { caller: Caller; expiresAt: number }>();
  const bearer: Authenticator = {
    async authenticate(request) {
      const header = request.headers.authorization;
      if (typeof header !== 'string' || !header.startsWith('Bearer ')) return undefined;
      const presented = header.slice(7);
      const hit = verified.get(presented);
      if (hit && hit.expiresAt > Date.now()) return hit.caller;
      try {
        const { payload } = await jwtVerify(presented, jwks, { audience: 'mortise', algorithms: ['ES256'] });
        const caller: Caller = {
          user: { username: payload.sub!, uid: payload.sub!, groups: payload.groups as string[] },
          credential: 'token',
        };
        verified.set(presented, { caller, expiresAt: payload.exp! * 1000 });
        return caller;
      } catch {
        throw new UnauthorizedError('invalid token');
      }
    },
  };
  const decisions = new Map<string, boolean>();
  const authorizer: Authorizer = {
    authorize: (caller, info) => {
      const key = `${caller.user.username}\n${info.verb}\n${info.path}`;
      let allowed = decisions.get(key);
      if (allowed === undefined) {
        allowed = caller.user.username === 'bench-user';
        decisions.set(key, allowed);
      }
      return { allowed, reason: 'bench' };
    },
  };

  @Global()
  @Module({
    providers: [
      {
        provide: IDENTITY_TOKEN_SIGNER,
        useValue: new JwtIdentityTokenSigner(() => ({ kid: 'k1', algorithm: 'ES256', privateKey })),
      },
    ],
    exports: [IDENTITY_TOKEN_SIGNER],
  })
  class BenchIdentityModule {}

  const kernel = await createKernel({
    config: { logLevel: 'silent' },
    authenticators: [bearer],
    authorizer,
    modules: [BenchIdentityModule],
  });
  const route: ReverseProxy = {
    apiVersion: 'extensions.mortise.io/v1',
    kind: 'ReverseProxy',
    metadata: { name: 'bench', labels: { 'extensions.mortise.io/extension': 'bench' } },
    spec: { matcher: { path: '/proxy/bench/*' }, url: upstream, directives: { stripPathPrefix: '/proxy/bench' } },
  };
  await kernel.store.create(route);
  // The catalog follows the store; wait for the route to serve.
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${kernel.url}/proxy/bench/ready`, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (res.status === 200) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return { url: kernel.url, token };
}
