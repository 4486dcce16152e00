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
  type GroupDispatcher,
} from '@mortise/api';
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

/** Answers raw, as an in-process extension or the proxy does; `closed` refuses the `closed` workspace. */
function echoDispatcher(synchronous: boolean, seen: string[]): GroupDispatcher {
  const answer = (response: import('node:http').ServerResponse, caller: Caller) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ dispatchedFor: caller.user.username }));
  };
  return {
    name: 'echo',
    dispatch: synchronous
      ? (request, response, context) => {
          seen.push(context.info.verb);
          answer(response, context.caller);
        }
      : async (request, response, context) => {
          await new Promise((resolve) => setImmediate(resolve));
          seen.push(context.info.verb);
          answer(response, context.caller);
        },
  };
}

describe('RequestPipeline stages, synchronous and asynchronous', () => {
  const apps: FastifyInstance[] = [];
  after(async () => {
    for (const app of apps) await app.close();
  });

  for (const syncAuthn of [true, false]) {
    for (const syncAuthz of [true, false]) {
      for (const syncDispatch of [true, false]) {
        const label = `${syncAuthn ? 'sync' : 'async'} authentication, ${syncAuthz ? 'sync' : 'async'} authorization, ${syncDispatch ? 'sync' : 'async'} dispatch`;
        it(label, async () => {
          const app = fastify(fastifyServerOptions({ logger: createLogger({ level: 'silent' }) }));
          apps.push(app);
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
          pipeline.publicRoutes.addExact('/healthz');
          pipeline.observe((done) => completed.push(done));
          pipeline.install(app);
          RequestPipeline.installStatusHandlers(app);
          app.get('/healthz', async (request) => ({ user: request.caller.user.username }));
          app.get('/kapis/kernel.example.io/v1/things', async (request) => ({ user: request.caller.user.username }));
          await app.ready();
          const call = (url: string, authorization?: string, method: 'GET' | 'DELETE' = 'GET') =>
            app.inject({ method, url, headers: authorization ? { authorization } : {} });

          const own = await call('/kapis/kernel.example.io/v1/things', 'Bearer good');
          assert.equal(own.statusCode, 200);
          assert.deepEqual(own.json(), { user: 'ada' });
          assert.match(String(own.headers['x-request-id']), /^[0-9a-f-]{36}$/);

          const dispatched = await call('/kapis/echo.example.io/v1/namespaces/p/echoes', 'Bearer good');
          assert.equal(dispatched.statusCode, 200);
          assert.deepEqual(dispatched.json(), { dispatchedFor: 'ada' });
          assert.deepEqual(seen, ['list']);

          const refused = await call('/kapis/echo.example.io/v1/namespaces/p/echoes/x', 'Bearer good', 'DELETE');
          assert.equal(refused.statusCode, 403);
          assert.match(refused.json<{ message: string }>().message, /cannot delete echoes "x".*no binding grants it/);

          const guarded = await call('/kapis/echo.example.io/v1/workspaces/closed/echoes', 'Bearer good');
          assert.equal(guarded.statusCode, 404);
          assert.match(guarded.json<{ message: string }>().message, /not enabled in workspace "closed"/);

          assert.equal((await call('/kapis/echo.example.io/v1/echoes', 'Bearer bad')).statusCode, 401);
          assert.equal((await call('/kapis/echo.example.io/v1/echoes')).statusCode, 403);
          assert.deepEqual((await call('/healthz', 'Bearer bad')).json(), { user: 'system:anonymous' });
          assert.deepEqual(seen, ['list']);

          // Every request, dispatched or refused, reaches the observers once.
          await new Promise((resolve) => setImmediate(resolve));
          assert.deepEqual(
            completed.map((c) => c.statusCode),
            [200, 200, 403, 404, 401, 403, 200],
          );
          assert.equal(completed[1]?.caller?.user.username, 'ada');
        });
      }
    }
  }
});
