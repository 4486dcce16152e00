import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKernel, type Kernel, type KernelOptions, type RouteEntry } from '../create-kernel.js';

/** The first admin's password in test kernels. */
export const TEST_ADMIN_PASSWORD = 'test-admin-password';
/** Cheap argon2 parameters: tests exercise behaviour, not hashing cost. */
const TEST_ARGON2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

export interface CallOptions {
  /** Sent as JSON unless `raw` is given. */
  body?: unknown;
  /** Sent as is (malformed JSON, oversize bodies). */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Send no credential (by default calls carry the admin's token). */
  anonymous?: boolean;
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body; undefined when the body is not JSON. Tests read it field by field. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A real kernel on a random loopback port, spoken to over HTTP. */
export interface TestKernel {
  kernel: Kernel;
  url: string;
  /** The admin's access token every call sends unless told otherwise; empty when identity is off. */
  adminToken: string;
  /** Where this kernel's audit log is written, when the fixture chose it. */
  auditDir?: string | undefined;
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
  /** Opens `?watch=true` on a collection path; read events with `next()`, end with `close()`. */
  watch(path: string, options?: Pick<CallOptions, 'headers' | 'anonymous'>): Promise<WatchReader>;
  /** Every registered route, for route-wide security tests. */
  routes(): RouteEntry[];
  close(): Promise<void>;
}

export interface WatchEventLine {
  type: string;
  object: {
    apiVersion: string;
    kind: string;
    metadata: { name: string; resourceVersion: string; [k: string]: unknown };
  };
}

interface Named {
  metadata: { name: string };
}

/** `metadata.name` of every item of a List body, in order. */
export function itemNames(list: { items: Named[] }): string[] {
  return list.items.map((item) => item.metadata.name);
}

export interface WatchReader {
  status: number;
  /** The next event, or undefined when the stream ended. Rejects after `timeoutMs`. */
  next(timeoutMs?: number): Promise<WatchEventLine | undefined>;
  close(): void;
}

/**
 * Boots a kernel for one test file; defaults: memory store, port 0, silent
 * logs, identity on with the admin logged in (calls carry its token).
 */
export async function startTestKernel(options: KernelOptions = {}): Promise<TestKernel> {
  const identity =
    options.identity === false
      ? false
      : {
          admin: { password: TEST_ADMIN_PASSWORD },
          ...options.identity,
          config: { argon2: TEST_ARGON2, ...options.identity?.config },
        };
  // The audit log of a test kernel goes to a fresh directory, removed on close.
  const settings = options.accessControl;
  const defaultOn = options.identity !== false && !options.authorizer;
  const auditDir =
    settings === false || settings?.auditDir !== undefined || (settings === undefined && !defaultOn)
      ? undefined
      : mkdtempSync(join(tmpdir(), 'mortise-audit-'));
  const kernel = await createKernel({
    ...options,
    identity,
    ...(auditDir ? { accessControl: { ...(settings || {}), auditDir } } : {}),
  }).catch((err: unknown) => {
    if (auditDir) rmSync(auditDir, { recursive: true, force: true });
    throw err;
  });
  const url = kernel.url;
  const adminToken =
    identity === false || identity.admin === false ? '' : await passwordLogin(url, 'admin', TEST_ADMIN_PASSWORD);
  const credentials = (opts: Pick<CallOptions, 'headers' | 'anonymous'>): Record<string, string> => ({
    ...(adminToken !== '' && !opts.anonymous ? { authorization: `Bearer ${adminToken}` } : {}),
    ...opts.headers,
  });
  const call = async (method: string, path: string, opts: CallOptions = {}): Promise<CallResult> => {
    const headers: Record<string, string> = credentials(opts);
    let payload: string | undefined;
    if (opts.raw !== undefined) payload = opts.raw;
    else if (opts.body !== undefined) payload = JSON.stringify(opts.body);
    if (payload !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
    const response = await fetch(url + path, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, headers: response.headers, text, body };
  };
  const watch = async (path: string, opts: Pick<CallOptions, 'headers' | 'anonymous'> = {}): Promise<WatchReader> =>
    openWatch(url + path, credentials(opts));
  const close = async (): Promise<void> => {
    await kernel.close();
    if (auditDir) rmSync(auditDir, { recursive: true, force: true });
  };
  return { kernel, url, adminToken, auditDir, call, watch, routes: () => kernel.routes(), close };
}

/** An access token from the password grant of the built-in `mortise-cli` client. */
export async function passwordLogin(url: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'mortise-cli', username, password }).toString(),
  });
  const body = (await response.json()) as { access_token?: string; error_description?: string };
  if (!body.access_token) throw new Error(`login of ${username} failed: ${response.status} ${body.error_description}`);
  return body.access_token;
}

/** Reads a newline-delimited JSON watch stream event by event. */
export async function openWatch(fullUrl: string, headers: Record<string, string> = {}): Promise<WatchReader> {
  const controller = new AbortController();
  const response = await fetch(fullUrl, { signal: controller.signal, headers });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  let ended = false;
  const next = async (timeoutMs = 5000): Promise<WatchEventLine | undefined> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const newline = buffered.indexOf('\n');
      if (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.trim() !== '') return JSON.parse(line) as WatchEventLine;
        continue;
      }
      if (ended) return undefined;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no watch event within ${timeoutMs} ms`);
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no watch event within ${timeoutMs} ms`)), remaining);
        }),
      ]).finally(() => clearTimeout(timer));
      if (chunk.done) ended = true;
      else buffered += decoder.decode(chunk.value, { stream: true });
    }
  };
  return {
    status: response.status,
    next,
    close: () => {
      controller.abort();
    },
  };
}
