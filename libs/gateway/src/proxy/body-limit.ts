import { Transform, type TransformCallback } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { gatewayErrors } from './gateway-errors.js';

export type RequestBody =
  { kind: 'none' } | { kind: 'stream'; stream: IncomingMessage | Transform } | { kind: 'too-large'; limit: number };

const NO_BODY: RequestBody = { kind: 'none' };

/** Counts a chunked body and fails it as soon as it crosses the limit, which aborts the upstream request. */
class BodyLimit extends Transform {
  private seen = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) callback(gatewayErrors.bodyTooLarge(this.limit));
    else callback(null, chunk);
  }
}

/**
 * What to send upstream as the body. A declared Content-Length over the
 * limit is refused before any upstream contact; a body without one streams
 * through a counter. A body within its declared length streams as is (the
 * HTTP parser enforces the length).
 */
export function requestBody(req: IncomingMessage, limit: number): RequestBody {
  const length = req.headers['content-length'];
  if (length !== undefined) {
    const bytes = Number(length);
    if (bytes > limit) return { kind: 'too-large', limit };
    return bytes > 0 ? { kind: 'stream', stream: req } : NO_BODY;
  }
  if (req.headers['transfer-encoding'] === undefined) return NO_BODY;
  const counted = new BodyLimit(limit);
  req.on('error', (err) => counted.destroy(err));
  return { kind: 'stream', stream: req.pipe(counted) };
}
