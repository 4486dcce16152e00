import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { fastify, type FastifyInstance } from 'fastify';
import { UnauthorizedError, type Authenticator, type Authorizer, type Caller, type RequestInfo } from '@mortise/api';
import { createLogger } from '@mortise/observability';
import { RequestPipeline, type CompletedRequest } from './request-pipeline.js';
import { fastifyServerOptions } from './server-options.js';

const ada: Caller = { user: { username: 'ada', uid: 'u1', groups: ['system:authenticated'] }, credential: 'token' };

/** Bearer "good" is ada, bearer "bad" is refused, anything else is not ours. */
const bearer: Authenticator = {
  async authenticate(request) {
    const header = request.headers.authorization;
    if (header === 'Bearer good') return ada;
    if (header === 'Bearer bad') throw new UnauthorizedError('token has expired; log in again');
    return undefined;
  },
};

/** Allows ada to get anything; refuses everyone else. */
const onlyAda: Authorizer = {
  authorize: (caller, info) =>
    caller.user.username === 'ada' && info.verb !== 'delete'
      ? { allowed: true, reason: 'ada may' }
      : { allowed: false, reason: 'no binding grants it' },
};

describe(RequestPipeline.name, () => {
  let app: FastifyInstance;
  const completed: CompletedRequest[] = [];
  const seen: Array<{ caller: Caller; info: RequestInfo }> = [];
  const logLines: string[] = [];

  before(async () => {
    const logStream = new PassThrough();
    logStream.on('data', (chunk: Buffer) =>
      logLines.push(
        ...chunk
          .toString()
          .split('\n')
          .filter((l) => l !== ''),
      ),
    );
    const logger = createLogger({ level: 'info', destination: logStream });
    app = fastify(fastifyServerOptions({ logger, bodyLimit: 2048 }));
    const pipeline = new RequestPipeline({ authenticators: [bearer], authorizer: onlyAda });
    pipeline.publicRoutes.addExact('/healthz').addPrefix('/dist/');
    pipeline.observe((done) => completed.push(done));
    pipeline.install(app);
    RequestPipeline.installStatusHandlers(app);
    app.get('/healthz', async (request) => ({ user: request.caller.user.username }));
    app.get('/dist/:file', async () => 'asset');
    app.route({
      method: ['GET', 'POST', 'DELETE'],
      url: '/kapis/:group/:version/*',
      handler: async (request) => {
        seen.push({ caller: request.caller, info: request.requestInfo });
        return { ok: true, body: request.body ?? null };
      },
    });
    app.get('/boom', async () => {
      throw new Error('sqlite: disk I/O error at /var/lib/mortise');
    });
    await app.ready();
  });
  after(() => app.close());

  describe('request id', () => {
    it('echoes a client X-Request-Id and generates one otherwise', async () => {
      const given = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
      assert.equal(given.headers['x-request-id'], 'abc-123');
      const generated = await app.inject({ url: '/healthz' });
      assert.match(String(generated.headers['x-request-id']), /^[0-9a-f-]{36}$/);
      const hostile = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'a b\u00e9' } });
      assert.notEqual(hostile.headers['x-request-id'], 'a b\u00e9');
    });
  });

  describe('authentication', () => {
    it('lets the first matching authenticator decide the caller', async () => {
      seen.length = 0;
      const res = await app.inject({ url: '/kapis/g.io/v1/things', headers: { authorization: 'Bearer good' } });
      assert.equal(res.statusCode, 200);
      assert.equal(seen[0]?.caller.user.username, 'ada');
      assert.equal(seen[0]?.info.verb, 'list');
      assert.equal(seen[0]?.info.resource, 'things');
    });

    it('answers an invalid credential with 401, a Status and WWW-Authenticate', async () => {
      const res = await app.inject({ url: '/kapis/g.io/v1/things', headers: { authorization: 'Bearer bad' } });
      assert.equal(res.statusCode, 401);
      assert.match(String(res.headers['www-authenticate']), /^Bearer/);
      const status = res.json();
      assert.equal(status.kind, 'Status');
      assert.equal(status.reason, 'Unauthorized');
      assert.equal(status.message, 'token has expired; log in again');
    });

    it('treats an unknown credential as anonymous, which authorization then judges', async () => {
      const res = await app.inject({ url: '/kapis/g.io/v1/things', headers: { authorization: 'Basic x' } });
      assert.equal(res.statusCode, 403);
      assert.match(res.json().message, /system:anonymous.*cannot list things in API group "g.io"/);
    });
  });

  describe('authorization', () => {
    it('refuses with 403 naming the verb and the reason', async () => {
      const res = await app.inject({
        method: 'DELETE',
        url: '/kapis/g.io/v1/workspaces/w1/things/t1',
        headers: { authorization: 'Bearer good' },
      });
      assert.equal(res.statusCode, 403);
      const status = res.json();
      assert.equal(status.reason, 'Forbidden');
      assert.equal(
        status.message,
        'user "ada" cannot delete things "t1" in API group "g.io" in workspace "w1": no binding grants it',
      );
    });

    it('skips public routes, even with a bad credential', async () => {
      const health = await app.inject({ url: '/healthz', headers: { authorization: 'Bearer bad' } });
      assert.equal(health.statusCode, 200);
      assert.deepEqual(health.json(), { user: 'system:anonymous' });
      assert.equal((await app.inject({ url: '/dist/app.js' })).statusCode, 200);
    });
  });

  describe('errors', () => {
    it('hides unknown errors behind a generic 500 and logs them in full with the request id', async () => {
      const res = await app.inject({
        url: '/boom',
        headers: { authorization: 'Bearer good', 'x-request-id': 'boom-1' },
      });
      assert.equal(res.statusCode, 500);
      assert.equal(res.json().reason, 'InternalError');
      assert.ok(!res.body.includes('/var/lib/mortise'));
      assert.ok(!res.body.includes('.js:'));
      await new Promise((r) => setImmediate(r));
      const line = logLines
        .map((l) => JSON.parse(l) as { requestId?: string; err: { message: string } })
        .find((l) => l.requestId === 'boom-1');
      assert.ok(line, 'an error line carrying the request id');
      assert.match(line.err.message, /disk I\/O error/);
      assert.ok(!logLines.some((l) => l.includes('Bearer good')), 'credentials never reach the log');
    });

    it('maps unknown routes, bad JSON, big bodies and media types to Status codes', async () => {
      const auth = { authorization: 'Bearer good' };
      const missing = await app.inject({ url: '/nowhere', headers: auth });
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.json().reason, 'NotFound');
      const malformed = await app.inject({
        method: 'POST',
        url: '/kapis/g.io/v1/things',
        headers: { ...auth, 'content-type': 'application/json' },
        payload: '{"a":',
      });
      assert.equal(malformed.statusCode, 400);
      assert.equal(malformed.json().reason, 'BadRequest');
      const big = await app.inject({
        method: 'POST',
        url: '/kapis/g.io/v1/things',
        headers: { ...auth, 'content-type': 'application/json' },
        payload: JSON.stringify({ a: 'x'.repeat(4096) }),
      });
      assert.equal(big.statusCode, 413);
      assert.equal(big.json().reason, 'RequestEntityTooLarge');
      const xml = await app.inject({
        method: 'POST',
        url: '/kapis/g.io/v1/things',
        headers: { ...auth, 'content-type': 'application/xml' },
        payload: '<a/>',
      });
      assert.equal(xml.statusCode, 415);
      assert.equal(xml.json().reason, 'UnsupportedMediaType');
    });
  });

  describe('observers', () => {
    it('see the route template, never the raw path', async () => {
      completed.length = 0;
      await app.inject({
        url: '/kapis/g.io/v1/things/a-very-specific-name',
        headers: { authorization: 'Bearer good' },
      });
      const done = completed.at(-1)!;
      assert.equal(done.route, '/kapis/:group/:version/*');
      assert.equal(done.statusCode, 200);
      assert.equal(done.caller?.user.username, 'ada');
      assert.ok(done.seconds >= 0);
    });
  });
});

describe(`${RequestPipeline.name}.requireAuthentication`, () => {
  const apps: FastifyInstance[] = [];
  async function start(authorizer?: Authorizer): Promise<FastifyInstance> {
    const app = fastify(fastifyServerOptions({ logger: createLogger({ level: 'silent' }) }));
    const pipeline = new RequestPipeline({
      authenticators: [bearer],
      ...(authorizer ? { authorizer } : {}),
    }).requireAuthentication();
    pipeline.publicRoutes.addExact('/healthz');
    pipeline.install(app);
    RequestPipeline.installStatusHandlers(app);
    app.get('/healthz', async () => 'ok');
    app.get('/private', async (request) => request.caller.user.username);
    await app.ready();
    apps.push(app);
    return app;
  }
  after(async () => {
    for (const app of apps) await app.close();
  });

  it('answers a non-public request without a credential with 401, with or without an authorizer', async () => {
    for (const app of [await start(), await start(onlyAda)]) {
      const res = await app.inject({ url: '/private' });
      assert.equal(res.statusCode, 401);
      assert.match(res.headers['www-authenticate'] as string, /^Bearer/);
      assert.equal((await app.inject({ url: '/private', headers: { authorization: 'Bearer good' } })).body, 'ada');
      assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
    }
  });

  it('still lets an authorizer that grants anonymous access decide', async () => {
    const app = await start({ authorize: () => ({ allowed: true, reason: 'open' }) });
    assert.equal((await app.inject({ url: '/private' })).body, 'system:anonymous');
  });
});
