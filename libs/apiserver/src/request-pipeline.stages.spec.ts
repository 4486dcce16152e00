import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { fastify, type FastifyInstance } from 'fastify';
import {
  GroupDispatcherRegistry,
  NotFoundError,
  UnauthorizedError,
  type Authenticator,
  type Authorizer,
  type Caller,
  type Decision,
  type DispatchContext,
  type GroupDispatcher,
} from '@mortise/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLogger } from '@mortise/observability';
import { RequestPipeline, type CompletedRequest } from './request-pipeline.js';
import { fastifyServerOptions } from './server-options.js';

const ada: Caller = { user: { username: 'ada', uid: 'u1', groups: ['system:authenticated'] }, credential: 'token' };

/** The same strategy answering synchronously (a cached credential) or through a promise. */
function bearer(synchronous: boolean): Authenticator {
  const answer = (header: unknown): Caller | undefined => {
    if (header === 'Bearer good') return ada;
    if (header === 'Bearer bad') throw new UnauthorizedError('token has expired; log in again');
    return undefined;
  };
  return {
    authenticate: synchronous
      ? (request) => answer(request.headers.authorization)
      : async (request) => answer(request.headers.authorization),
  };
}

function onlyAdaGets(synchronous: boolean): Authorizer {
  const decide = (caller: Caller, verb: string): Decision =>
    caller.user.username === 'ada' && verb !== 'delete'
      ? { allowed: true, reason: 'ada may' }
      : { allowed: false, reason: 'no binding grants it' };
  return {
    authorize: synchronous
      ? (caller, info) => decide(caller, info.verb)
      : async (caller, info) => decide(caller, info.verb),
  };
}

/** Answers raw, with the request id, as an in-process extension or the proxy does. */
function echoDispatcher(synchronous: boolean, seen: string[]): GroupDispatcher {
  const answer = (response: ServerResponse, context: DispatchContext) => {
    response.writeHead(200, { 'content-type': 'application/json', 'x-request-id': context.requestId });
    response.end(JSON.stringify({ dispatchedFor: context.caller.user.username }));
  };
  return {
    name: 'echo',
    dispatch: synchronous
      ? (request, response, context) => {
          seen.push(context.info.verb);
          answer(response, context);
        }
      : async (request, response, context) => {
          await new Promise((resolve) => setImmediate(resolve));
          seen.push(context.info.verb);
          answer(response, context);
        },
  };
}

interface Answer {
  status: number;
  requestId: string | undefined;
  json: { message?: string; user?: string; dispatchedFor?: string };
}

/**
 * How a case reaches the pipeline: Fastify's `inject` (the hooks, as for
 * upgrades and in-process calls) or real HTTP through the server's front
 * (`serveRaw`, which takes dispatched requests before Fastify).
 */
type Entry = 'fastify hooks' | 'http front';

async function caller(app: FastifyInstance, entry: Entry) {
  const base = entry === 'http front' ? await app.listen({ port: 0, host: '127.0.0.1' }) : '';
  return async (url: string, authorization?: string, method: 'GET' | 'DELETE' = 'GET'): Promise<Answer> => {
    const headers: Record<string, string> = authorization ? { authorization } : {};
    if (entry === 'fastify hooks') {
      const res = await app.inject({ method, url, headers });
      return { status: res.statusCode, requestId: res.headers['x-request-id'] as string | undefined, json: res.json() };
    }
    const res = await fetch(base + url, { method, headers });
    return {
      status: res.status,
      requestId: res.headers.get('x-request-id') ?? undefined,
      json: (await res.json()) as Answer['json'],
    };
  };
}

describe('RequestPipeline stages, synchronous and asynchronous', () => {
  const apps: FastifyInstance[] = [];
  after(async () => {
    for (const app of apps) await app.close();
  });

  for (const entry of ['fastify hooks', 'http front'] as const) {
    for (const syncAuthn of [true, false]) {
      for (const syncAuthz of [true, false]) {
        for (const syncDispatch of [true, false]) {
          const label = `${entry}: ${syncAuthn ? 'sync' : 'async'} authentication, ${syncAuthz ? 'sync' : 'async'} authorization, ${syncDispatch ? 'sync' : 'async'} dispatch`;
          it(label, async () => {
            const dispatchers = new GroupDispatcherRegistry();
            const seen: string[] = [];
            dispatchers.set('echo.example.io', echoDispatcher(syncDispatch, seen));
            dispatchers.addGuard((info) => {
              if (info.workspace === 'closed')
                throw new NotFoundError('the extension is not enabled in workspace "closed"');
            });
            const completed: CompletedRequest[] = [];
            const pipeline = new RequestPipeline({
              authenticators: [bearer(syncAuthn)],
              authorizer: onlyAdaGets(syncAuthz),
              dispatchers,
            });
            const app = fastify(
              fastifyServerOptions({
                logger: createLogger({ level: 'silent' }),
                front: (req, res, next) => pipeline.serveRaw(req, res, next),
              }),
            );
            apps.push(app);
            pipeline.publicRoutes.addExact('/healthz');
            pipeline.observe((done) => completed.push(done));
            // What reaches Fastify at all: through the front, dispatched requests never do.
            const reachedFastify: string[] = [];
            app.addHook('onRequest', (request, _reply, done) => {
              reachedFastify.push(request.url);
              done();
            });
            pipeline.install(app);
            RequestPipeline.installStatusHandlers(app);
            app.get('/healthz', async (request) => ({ user: request.caller.user.username }));
            app.get('/kapis/kernel.example.io/v1/things', async (request) => ({ user: request.caller.user.username }));
            await app.ready();
            const call = await caller(app, entry);

            const own = await call('/kapis/kernel.example.io/v1/things', 'Bearer good');
            assert.equal(own.status, 200);
            assert.deepEqual(own.json, { user: 'ada' });
            assert.match(String(own.requestId), /^[0-9a-f-]{36}$/);

            const dispatched = await call('/kapis/echo.example.io/v1/namespaces/p/echoes', 'Bearer good');
            assert.equal(dispatched.status, 200);
            assert.deepEqual(dispatched.json, { dispatchedFor: 'ada' });
            assert.match(String(dispatched.requestId), /^[0-9a-f-]{36}$/);
            assert.deepEqual(seen, ['list']);

            const refused = await call('/kapis/echo.example.io/v1/namespaces/p/echoes/x', 'Bearer good', 'DELETE');
            assert.equal(refused.status, 403);
            assert.match(String(refused.json.message), /cannot delete echoes "x".*no binding grants it/);
            assert.match(String(refused.requestId), /^[0-9a-f-]{36}$/);

            const guarded = await call('/kapis/echo.example.io/v1/workspaces/closed/echoes', 'Bearer good');
            assert.equal(guarded.status, 404);
            assert.match(String(guarded.json.message), /not enabled in workspace "closed"/);

            assert.equal((await call('/kapis/echo.example.io/v1/echoes', 'Bearer bad')).status, 401);
            assert.equal((await call('/kapis/echo.example.io/v1/echoes')).status, 403);
            assert.deepEqual((await call('/healthz', 'Bearer bad')).json, { user: 'system:anonymous' });
            assert.deepEqual(seen, ['list']);

            // Every request, dispatched or refused, reaches the observers once, with its decision.
            await new Promise((resolve) => setImmediate(resolve));
            assert.deepEqual(
              completed.map((c) => c.statusCode),
              [200, 200, 403, 404, 401, 403, 200],
            );
            assert.equal(completed[1]?.caller?.user.username, 'ada');
            assert.equal(completed[1]?.route, 'echo');
            assert.deepEqual(completed[1]?.decision, { allowed: true, reason: 'ada may' });
            assert.equal(completed[2]?.decision?.allowed, false);
            if (entry === 'http front') {
              assert.match(String(completed[1]?.sourceIp), /127\.0\.0\.1/);
              assert.deepEqual(reachedFastify, ['/kapis/kernel.example.io/v1/things', '/healthz']);
            } else {
              assert.equal(reachedFastify.length, 7);
            }
          });
        }
      }
    }
  }
});

describe('RequestPipeline.serveRaw once the server closes', () => {
  it('hands every request to Fastify (which answers 503 while closing) instead of dispatching it', async () => {
    const dispatchers = new GroupDispatcherRegistry();
    const seen: string[] = [];
    dispatchers.set('echo.example.io', echoDispatcher(true, seen));
    const pipeline = new RequestPipeline({ dispatchers });
    const app = fastify(fastifyServerOptions({ logger: createLogger({ level: 'silent' }) }));
    pipeline.install(app);
    await app.ready();
    await app.close();
    const passedOn: unknown[] = [];
    const req = { method: 'GET', url: '/kapis/echo.example.io/v1/echoes', headers: {} } as IncomingMessage;
    const res = {} as ServerResponse;
    pipeline.serveRaw(req, res, (r, s) => passedOn.push(r, s));
    assert.deepEqual(passedOn, [req, res]);
    assert.deepEqual(seen, []);
  });
});
