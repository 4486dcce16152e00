import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { NotFoundError, ServiceUnavailableError, InvalidError, PayloadTooLargeError } from '@mortise/api';

/** How to reach a repository: its TLS roots and credentials. Secrets here never reach a log or a status. */
export interface LocationAccess {
  /** PEM bundle to verify the server's certificate. */
  caBundle?: string;
  basicAuth?: { username: string; password: string };
  /** Milliseconds for the whole download. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Reads a `file://`, `http://` or `https://` location into memory, at most
 * `maxBytes`. Unreachable → ServiceUnavailableError, 404 → NotFoundError,
 * 401/403 → InvalidError naming the credentials; the message never holds them.
 */
export async function readLocation(location: string, maxBytes: number, access: LocationAccess = {}): Promise<Buffer> {
  const url = parseUrl(location);
  if (url.protocol === 'file:') return readFileLocation(url, maxBytes);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidError(`${redact(url)}: only file://, http:// and https:// locations are supported`);
  }
  // The HTTP client is loaded on the first remote read, not by every kernel at start.
  const { Agent, request } = await import('undici');
  const dispatcher = new Agent({
    connect: { ...(access.caBundle ? { ca: access.caBundle } : {}) },
    connectTimeout: access.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  try {
    const headers: Record<string, string> = {};
    if (access.basicAuth) {
      const { username, password } = access.basicAuth;
      headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    const timeout = access.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const response = await request(url, {
      dispatcher,
      headers,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    }).catch((error: unknown) => {
      throw new ServiceUnavailableError(`${redact(url)} is unreachable: ${(error as Error).message}`);
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw statusError(url, response.statusCode);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        await response.body.dump().catch(() => undefined);
        throw new PayloadTooLargeError(`${redact(url)} is larger than ${maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  } finally {
    await dispatcher.close();
  }
}

/** `base` joined with a relative location (`packages/x.tgz`); absolute locations stay as they are. */
export function resolveLocation(base: string, location: string): string {
  return new URL(location, base.endsWith('/') ? base : `${base}/`).toString();
}

function parseUrl(location: string): URL {
  try {
    return new URL(location);
  } catch {
    throw new InvalidError(`"${location}" is not a URL`);
  }
}

async function readFileLocation(url: URL, maxBytes: number): Promise<Buffer> {
  const path = fileURLToPath(url);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new NotFoundError(`${url.toString()} does not exist`);
  if (info.size > maxBytes) throw new PayloadTooLargeError(`${url.toString()} is larger than ${maxBytes} bytes`);
  return readFile(path);
}

function statusError(url: URL, status: number): Error {
  if (status === 404) return new NotFoundError(`${redact(url)} answered 404 Not Found`);
  if (status === 401 || status === 403) {
    return new InvalidError(`${redact(url)} answered ${status}: check the repository's basicAuth secret`);
  }
  return new ServiceUnavailableError(`${redact(url)} answered HTTP ${status}`);
}

/** The URL without user info, for messages. */
export function redact(url: URL | string): string {
  const copy = new URL(url.toString());
  copy.username = '';
  copy.password = '';
  return copy.toString();
}
