import { manifestYaml } from './manifest-yaml.js';
import type { ScaffoldNames } from './scaffold-names.js';

/** A remote extension: its own HTTP service behind the kernel's gateway, checking the identity token. */
export function serviceTemplates(n: ScaffoldNames): Record<string, string> {
  return {
    'extension.yaml': manifestYaml(
      n,
      'service',
      `
backend:
  type: service
  service:
    # Where the kernel reaches the service; on Kubernetes use \`service: {namespace, name, port}\`.
    url: http://127.0.0.1:8090

apiServices:
  - name: ${n.name}
    group: ${n.group}
    version: v1
`,
    ),
    'src/server.ts': `import { createServer, type Server } from 'node:http';
import { createIdentityVerifier, type IdentityVerifierOptions } from '@mortise/sdk';

export const GREETINGS_PATH = '/kapis/${n.group}/v1/greetings';

/**
 * The service. Every API request must carry the identity token the kernel's
 * gateway adds (X-Mortise-Identity); X-Remote-User alone is never trusted.
 */
export function create${n.pascal}Server(identity: Omit<IdentityVerifierOptions, 'audience'>): Server {
  const verify = createIdentityVerifier({ ...identity, audience: 'ext:${n.name}' });
  return createServer((req, res) => {
    const send = (code: number, body: unknown): void => {
      res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.url === '/healthz') return send(200, { status: 'ok' });
    if (req.method !== 'GET' || req.url?.split('?')[0] !== GREETINGS_PATH) return send(404, { reason: 'NotFound' });
    verify(req.headers).then(
      (caller) => send(200, { message: \`Hello, \${caller.username}!\` }),
      () => send(401, { reason: 'Unauthorized', message: 'missing or invalid identity token' }),
    );
  });
}
`,
    'src/main.ts': `import type { AddressInfo } from 'node:net';
import { create${n.pascal}Server } from './server.js';

// Configuration by environment, like any container.
const issuer = process.env.MORTISE_ISSUER ?? 'http://127.0.0.1:8080';
const server = create${n.pascal}Server({ issuer, jwksUrl: process.env.MORTISE_JWKS_URL ?? \`\${issuer}/oauth/keys\` });
server.listen(Number(process.env.PORT ?? 8090), process.env.HOST ?? '127.0.0.1', () => {
  process.stdout.write(\`listening on port \${(server.address() as AddressInfo).port}\\n\`);
});
process.once('SIGTERM', () => server.close());
`,
    [`src/${n.name}.test.ts`]: `import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { IDENTITY_HEADER, IDENTITY_TOKEN_TYPE } from '@mortise/sdk';
import { GREETINGS_PATH, create${n.pascal}Server } from './server.js';

const ISSUER = 'http://kernel.test';

describe('${n.name}', () => {
  let base: string;
  let sign: (audience: string) => Promise<string>;
  const server = { close: () => undefined as unknown };
  before(async () => {
    // A key of our own stands in for the kernel's: the service trusts only this JWKS.
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'test', alg: 'ES256' };
    sign = (audience) =>
      new SignJWT({ groups: [] })
        .setProtectedHeader({ alg: 'ES256', kid: 'test', typ: IDENTITY_TOKEN_TYPE })
        .setIssuer(ISSUER)
        .setAudience(audience)
        .setSubject('u-1')
        .setIssuedAt()
        .setExpirationTime('1m')
        .sign(privateKey);
    const http = create${n.pascal}Server({ issuer: ISSUER, jwks: { keys: [jwk] } });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    base = \`http://127.0.0.1:\${(http.address() as AddressInfo).port}\`;
    server.close = () => http.close();
  });
  after(() => server.close());

  it('answers its health check without a token', async () => {
    assert.equal((await fetch(\`\${base}/healthz\`)).status, 200);
  });

  it('refuses a request without an identity token, or one for another extension', async () => {
    assert.equal((await fetch(base + GREETINGS_PATH)).status, 401);
    const other = await fetch(base + GREETINGS_PATH, { headers: { [IDENTITY_HEADER]: await sign('ext:other') } });
    assert.equal(other.status, 401);
  });
});
`,
  };
}
