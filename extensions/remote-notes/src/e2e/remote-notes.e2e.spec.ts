import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { UnauthorizedError, type Authenticator, type Authorizer, type Caller } from '@mortise/api';
import { IDENTITY_TOKEN_SIGNER, JwtIdentityTokenSigner } from '@mortise/gateway';
import { startTestKernel, type TestKernel } from '@mortise/kernel';
import { NOTES_GROUP } from '../gateway-objects.js';
import { createGatewayObjects, startNotesProcess } from '../testing/notes-process.js';

const ISSUER = 'https://kernel.e2e';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'e2e', alg: 'ES256', use: 'sig' }] };

/** Stands in for identity: the kernel's signing key, and `Bearer <name>` tokens. */
@Global()
@Module({
  providers: [
    {
      provide: IDENTITY_TOKEN_SIGNER,
      useValue: Object.assign(new JwtIdentityTokenSigner(() => ({ kid: 'e2e', algorithm: 'ES256', privateKey })), {
        issuer: ISSUER,
      }),
    },
  ],
  exports: [IDENTITY_TOKEN_SIGNER],
})
class TestIdentityModule {}

const bearer: Authenticator = {
  async authenticate(request) {
    const header = request.headers.authorization;
    if (typeof header !== 'string') return undefined;
    const name = header.replace(/^Bearer /, '');
    if (!['admin', 'alice', 'bob'].includes(name)) throw new UnauthorizedError('unknown token');
    return {
      user: { username: name, uid: `u-${name}`, groups: ['system:authenticated'] },
      credential: 'token',
    } satisfies Caller;
  },
};

/** admin: everything; alice: notes in ws1, the notes page and menus; bob: the page and menus only. */
const authorizer: Authorizer = {
  authorize: (caller, info) => {
    const who = caller.user.username;
    const menus = info.resource === 'menus';
    const page = !info.isResourceRequest && info.path.startsWith('/proxy/notes');
    const notes = info.apiGroup === NOTES_GROUP && info.workspace === 'ws1';
    const allowed =
      who === 'admin' || ((who === 'alice' || who === 'bob') && (menus || page)) || (who === 'alice' && notes);
    return { allowed, reason: allowed ? 'e2e rule' : 'not in the e2e rules' };
  },
};

describe('remote-notes behind a running kernel', () => {
  let kernel: TestKernel;
  let service: Awaited<ReturnType<typeof startNotesProcess>>;
  const as = (user: string) => ({ authorization: `Bearer ${user}` });
  const notes = (ws: string) => `/kapis/${NOTES_GROUP}/v1/workspaces/${ws}/notes`;

  before(async () => {
    service = await startNotesProcess({ MORTISE_ISSUER: ISSUER, MORTISE_JWKS: JSON.stringify(jwks) });
    kernel = await startTestKernel({ authenticators: [bearer], authorizer, modules: [TestIdentityModule] });
    await createGatewayObjects(kernel, service.url, as('admin'));
    // The catalog follows the store's watch; wait until the API answers through the gateway.
    for (let i = 0; i < 100; i++) {
      if ((await kernel.call('GET', notes('ws1'), { headers: as('alice') })).status === 200) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  after(async () => {
    await kernel.close();
    await service.stop();
  });

  it('proxies the API as the real caller, whatever identity headers the client sends', async () => {
    const created = await kernel.call('POST', notes('ws1'), {
      headers: { ...as('alice'), 'x-remote-user': 'admin', 'x-mortise-identity': 'forged' },
      body: { text: 'from alice' },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.author, 'alice');
    const listed = await kernel.call('GET', notes('ws1'), { headers: as('alice') });
    assert.deepEqual(
      listed.body.items.map((n: { text: string }) => n.text),
      ['from alice'],
    );
  });

  it('refuses callers the kernel does not authorize, and other workspaces', async () => {
    assert.equal((await kernel.call('GET', notes('ws1'), { headers: as('bob') })).status, 403);
    assert.equal((await kernel.call('GET', notes('ws2'), { headers: as('alice') })).status, 403);
    // No credential at all: identity refuses before authorization is asked.
    assert.equal((await kernel.call('GET', notes('ws1'), { anonymous: true })).status, 401);
  });

  it('streams new notes through the gateway as server-sent events', async () => {
    const controller = new AbortController();
    const res = await fetch(`${kernel.url}${notes('ws1')}?watch=true`, {
      headers: as('alice'),
      signal: controller.signal,
    });
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const reader = res.body!.getReader();
    await reader.read();
    await kernel.call('POST', notes('ws1'), { headers: as('alice'), body: { text: 'live' } });
    let text = '';
    while (!text.includes('"live"')) text += Buffer.from((await reader.read()).value).toString();
    controller.abort();
  });

  it('serves the page under /proxy, the bundle under /dist and the menu entry to who may use it', async () => {
    const page = await kernel.call('GET', '/proxy/notes/', { headers: as('bob') });
    assert.match(page.text, /Signed in as <b>bob<\/b>/);
    assert.equal(page.headers.get('x-frame-options'), 'SAMEORIGIN');
    const bundle = await fetch(`${kernel.url}/dist/remote-notes/index.js`);
    assert.equal(bundle.status, 200);
    assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
    const menu = (user: string) =>
      kernel.call('GET', '/kapis/extensions.mortise.io/v1/menus?workspace=ws1', { headers: as(user) });
    assert.deepEqual(
      (await menu('alice')).body.items.map((i: { name: string }) => i.name),
      ['workspace-notes'],
    );
    assert.deepEqual((await menu('bob')).body.items, []);
  });

  it('reports each gateway object Available', async () => {
    for (const plural of ['apiservices', 'reverseproxies', 'jsbundles', 'extensionentries']) {
      const list = await kernel.call('GET', `/kapis/extensions.mortise.io/v1/${plural}`, { headers: as('admin') });
      for (const item of list.body.items as Array<{ status?: { state?: string } }>)
        assert.equal(item.status?.state, 'Available', plural);
    }
  });
});
