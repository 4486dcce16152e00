import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import type { Upstream } from '../upstream/upstream.js';
import { gatewayErrors, writeStatus } from './gateway-errors.js';
import { downstreamHeaders } from './upstream-headers.js';

function rawHeaderBlock(statusLine: string, rawHeaders: string[]): string {
  let block = `${statusLine}\r\n`;
  for (let i = 0; i < rawHeaders.length; i += 2) block += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  return `${block}\r\n`;
}

/**
 * Passes an `Upgrade` (WebSocket) request through: opens its own connection
 * to the upstream (upgraded connections never return to the pool), relays
 * the 101 and then bytes both ways until either side closes. A refusal
 * (any non-101 answer) reaches the client as an ordinary response.
 */
export function tunnelUpgrade(
  upstream: Upstream,
  req: IncomingMessage,
  res: ServerResponse,
  client: { socket: Duplex; head: Buffer },
  target: { path: string; headers: OutgoingHttpHeaders },
  open: Set<Duplex>,
): Promise<void> {
  const availability = upstream.state;
  if (availability.state === 'Disabled') return done(res, gatewayErrors.disabled(upstream.owner));
  if (availability.state === 'Unavailable') {
    return done(res, gatewayErrors.unavailable(upstream.owner, availability.message, 5));
  }
  if (!upstream.breaker.tryAcquire()) {
    return done(res, gatewayErrors.circuitOpen(upstream.owner, upstream.breaker.retryAfterSeconds()));
  }
  const url = new URL(upstream.target.origin);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<void>((resolve) => {
    const upstreamReq = send({
      host: url.hostname,
      port: url.port,
      path: target.path,
      method: req.method,
      headers: { ...target.headers, connection: 'Upgrade', upgrade: req.headers.upgrade ?? 'websocket' },
      timeout: upstream.target.connectTimeoutMs,
      rejectUnauthorized: upstream.target.tls.rejectUnauthorized,
      ...(upstream.target.tls.ca ? { ca: upstream.target.tls.ca } : {}),
    });
    upstreamReq.on('upgrade', (upstreamRes, upstreamSocket, upstreamHead) => {
      upstream.breaker.recordSuccess();
      upstreamReq.setTimeout(0);
      upstreamSocket.setTimeout(0);
      const statusLine = `HTTP/1.1 101 ${upstreamRes.statusMessage ?? 'Switching Protocols'}`;
      client.socket.write(rawHeaderBlock(statusLine, upstreamRes.rawHeaders));
      if (upstreamHead.length > 0) client.socket.write(upstreamHead);
      if (client.head.length > 0) upstreamSocket.write(client.head);
      upstreamSocket.pipe(client.socket).pipe(upstreamSocket);
      open.add(client.socket);
      const close = (): void => {
        open.delete(client.socket);
        upstreamSocket.destroy();
        client.socket.destroy();
        resolve();
      };
      upstreamSocket.once('close', close);
      client.socket.once('close', close);
      upstreamSocket.on('error', close);
      client.socket.on('error', close);
    });
    upstreamReq.on('response', (upstreamRes) => {
      upstream.breaker.recordSuccess();
      res.writeHead(upstreamRes.statusCode ?? 502, downstreamHeaders(upstreamRes.headers));
      upstreamRes.pipe(res);
      upstreamRes.once('end', () => resolve());
    });
    upstreamReq.on('timeout', () =>
      upstreamReq.destroy(Object.assign(new Error('connect timeout'), { code: 'UND_ERR_CONNECT_TIMEOUT' })),
    );
    upstreamReq.on('error', (err: NodeJS.ErrnoException) => {
      upstream.breaker.recordFailure();
      writeStatus(res, gatewayErrors.unreachable(upstream.owner, err.code ?? 'unknown'));
      resolve();
    });
    upstreamReq.end();
  });
}

function done(res: ServerResponse, err: Parameters<typeof writeStatus>[1]): Promise<void> {
  writeStatus(res, err);
  return Promise.resolve();
}
