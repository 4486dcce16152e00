import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The upstream every case targets: a small JSON answer over keep-alive, as cheap as Node can make it. */
const body = Buffer.from(JSON.stringify({ kind: 'Thing', metadata: { name: 'one' }, spec: { ok: true } }));

export function startUpstream(): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}
