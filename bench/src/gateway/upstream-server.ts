import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The upstream every case targets: a small JSON answer over keep-alive, as cheap as Node can make it. */
const body = Buffer.from(JSON.stringify({ kind: 'Thing', metadata: { name: 'one' }, spec: { ok: true } }));

export function startUpstream(): Promise<string> {
  const chunk = Buffer.alloc(64 * 1024, 120);
  const server = createServer((req, res) => {
    // `/bytes/<n>`: n bytes in 64 KiB chunks, written as fast as the reader takes them.
    const size = /^\/bytes\/(\d+)$/.exec(req.url ?? '')?.[1];
    if (size !== undefined) {
      let left = Number(size);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': left });
      const pump = (): void => {
        while (left > 0) {
          const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
          left -= piece.length;
          if (!res.write(piece)) return void res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
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
