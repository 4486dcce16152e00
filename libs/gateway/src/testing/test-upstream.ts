import { request as httpRequest } from 'node:http';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/**
 * A local HTTP server that records what reached it. By default it echoes the
 * request as JSON; tests pass a handler for anything else.
 */
export class TestUpstream {
  readonly seen: SeenRequest[] = [];
  handler: UpstreamHandler = (req, res, body) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
  };
  readonly server: Server;
  /** Set to stream handlers that must not wait for the request body. */
  readBody = true;

  constructor() {
    this.server = createServer((req, res) => {
      if (!this.readBody) {
        this.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: '' });
        this.handler(req, res, '');
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        this.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        this.handler(req, res, body);
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port that refuses connections: bound once, then closed. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A plain HTTP server around a handler, for testing proxy pieces without the kernel. */
export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; server: Server; stop: () => Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Status of a GET whose path is sent byte for byte (fetch would normalise `..` away). */
export function rawStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  const origin = /^https?:\/\/[^/]+/.exec(url)![0];
  return new Promise((resolve, reject) => {
    const req = httpRequest(origin, { method: 'GET', headers, path: url.slice(origin.length) }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
}
