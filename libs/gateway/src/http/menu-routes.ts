import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Gateway } from '../gateway.js';
import type { MenuQuery } from '../menus/menu-catalog.js';
import { pipelineContext } from './pipeline-context.js';

export const MENUS_PATH = '/kapis/extensions.mortise.io/v1/menus';

export interface MenuRoutesOptions {
  /** A watch re-checks the caller's permissions this often even without entry changes (roles change too). */
  recheckMs?: number;
}

function menuQuery(request: FastifyRequest): MenuQuery & { watch: boolean } {
  const q = request.query as Record<string, string | undefined>;
  return {
    ...(q.workspace ? { workspace: q.workspace } : {}),
    ...(q.project ? { project: q.project } : {}),
    watch: q.watch === 'true' || q.watch === '1',
  };
}

/**
 * `GET /kapis/extensions.mortise.io/v1/menus?workspace=&project=`: the
 * entries the caller may use, as `{items}`. With `?watch=true`, one
 * JSON line `{"type":"SNAPSHOT","object":{"items":[...]}}` now and another
 * whenever what this caller sees changes.
 */
export function registerMenuRoutes(app: FastifyInstance, gateway: Gateway, options: MenuRoutesOptions = {}): void {
  app.get(MENUS_PATH, async (request, reply) => {
    const { caller } = pipelineContext(request);
    const { watch, ...query } = menuQuery(request);
    if (!watch) return { items: await gateway.menus.itemsFor(caller, query) };

    const stream = new PassThrough();
    let last = '';
    let pending = false;
    const push = async (): Promise<void> => {
      if (pending) return;
      pending = true;
      // Let a burst of changes (an extension installing several objects) settle into one snapshot.
      await new Promise((r) => setImmediate(r));
      pending = false;
      const items = await gateway.menus.itemsFor(caller, query);
      const line = JSON.stringify({ type: 'SNAPSHOT', object: { items } });
      if (line !== last && !stream.destroyed) {
        last = line;
        stream.write(`${line}\n`);
      }
    };
    const send = (): void => void push().catch((err: unknown) => stream.destroy(err as Error));
    const stop = gateway.menus.onChange(send);
    const timer = setInterval(send, options.recheckMs ?? 30_000);
    const end = (): void => {
      stop();
      clearInterval(timer);
      stream.end();
    };
    request.raw.once('close', end);
    reply.raw.once('close', end);
    send();
    return reply.type('application/json;stream=watch').header('cache-control', 'no-cache').send(stream);
  });
}
