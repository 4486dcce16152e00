import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';

const upgrades = new WeakMap<IncomingMessage, { socket: Duplex; head: Buffer }>();

/** The client socket of an `Upgrade` request routed through Fastify, if this is one. */
export function upgradeOf(req: IncomingMessage): { socket: Duplex; head: Buffer } | undefined {
  return upgrades.get(req);
}

/**
 * Node hands `Upgrade` requests to the server's `upgrade` event, outside
 * Fastify, so no hook would run for them. This routes those under the given
 * prefixes through Fastify with a response bound to the socket: the whole
 * pipeline (session cookie, authorization) runs as for any request, a
 * refusal is written to the socket as an ordinary response, and the proxy
 * finds the socket with `upgradeOf` to tunnel it.
 */
export function routeUpgradesThroughFastify(app: FastifyInstance, prefixes: readonly string[]): void {
  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = req.url ?? '/';
    if (!prefixes.some((p) => url.startsWith(p))) {
      if (app.server.listenerCount('upgrade') === 1) socket.destroy();
      return;
    }
    upgrades.set(req, { socket, head });
    socket.on('error', () => socket.destroy());
    const res = new ServerResponse(req);
    res.assignSocket(socket as never);
    // A tunnel never finishes this response; anything else (a refusal) ends the socket with it.
    res.once('finish', () => socket.end());
    app.routing(req, res);
  });
}
