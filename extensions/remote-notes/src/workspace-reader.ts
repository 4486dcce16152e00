import { readFile } from 'node:fs/promises';
import { createKernelTokenSource, type KernelTokenSourceOptions } from '@mortise/sdk';
import { EXTENSION_NAME } from './gateway-objects.js';

/** The workspace a note was written in, as the kernel describes it. */
export interface NoteWorkspace {
  name: string;
  /** The Workspace's `spec.displayName`, read from the kernel; absent when it has none or was not read. */
  displayName?: string;
  /** Why the kernel was not asked or did not answer; absent when it did. */
  unresolved?: string;
}

/** Where the kernel is and the credential of `ext:remote-notes` (`mortise credentials remote-notes`). */
export interface KernelCredential {
  /** The kernel's base URL, e.g. `https://mortise.example.com`. */
  kernelUrl: string;
  /** `ext-remote-notes`. */
  clientId: string;
  /** The secret, or how to read it at each token request (a mounted file, which rotation rewrites). */
  clientSecret: KernelTokenSourceOptions['clientSecret'];
  /** For tests; default the global `fetch`. */
  fetch?: typeof fetch;
}

/** Well under the APIService's response timeout (10 s in the manifest). */
const KERNEL_TIMEOUT_MS = 3000;

export type WorkspaceReader = (workspace: string) => Promise<NoteWorkspace>;

export const NO_CREDENTIAL =
  'the service has no kernel credential: set MORTISE_CLIENT_SECRET_FILE or MORTISE_CLIENT_SECRET (from `mortise credentials remote-notes`)';

/**
 * The credential from the environment: `MORTISE_KERNEL_URL` (default
 * `issuer`), `MORTISE_CLIENT_ID` (default `ext-remote-notes`), and the
 * secret: `MORTISE_CLIENT_SECRET_FILE`, a file read at each token request
 * (a mounted Kubernetes Secret: a rotated secret is picked up without a
 * restart; until the file exists, the kernel is not asked), else
 * `MORTISE_CLIENT_SECRET`; undefined with neither.
 */
export function kernelCredentialFromEnv(env: NodeJS.ProcessEnv, issuer: string): KernelCredential | undefined {
  const file = env.MORTISE_CLIENT_SECRET_FILE;
  const clientSecret = file ? () => readFile(file, 'utf8').then((text) => text.trim()) : env.MORTISE_CLIENT_SECRET;
  if (!clientSecret) return undefined;
  return {
    kernelUrl: env.MORTISE_KERNEL_URL ?? issuer,
    clientId: env.MORTISE_CLIENT_ID ?? `ext-${EXTENSION_NAME}`,
    clientSecret,
  };
}

interface StatusBody {
  message?: unknown;
  spec?: { displayName?: unknown };
}

/**
 * Reads workspaces from the kernel's REST API as the extension's own
 * identity `ext:remote-notes`, which the manifest allows `get` on
 * workspaces and nothing else. Never throws: without a credential, or when
 * the kernel refuses or cannot be reached, the answer says why in
 * `unresolved` and the note is kept all the same.
 */
export function createWorkspaceReader(credential: KernelCredential | undefined): WorkspaceReader {
  if (!credential) return (name) => Promise.resolve({ name, unresolved: NO_CREDENTIAL });
  const base = credential.kernelUrl.replace(/\/+$/, '');
  const send = credential.fetch ?? fetch;
  // A kernel that hangs must not hold the note past the gateway's response timeout.
  const fetchKernel: typeof fetch = (input, init) =>
    send(input, { ...init, signal: AbortSignal.timeout(KERNEL_TIMEOUT_MS) });
  const tokens = createKernelTokenSource({
    tokenUrl: `${base}/oauth/token`,
    clientId: credential.clientId,
    clientSecret: credential.clientSecret,
    fetch: fetchKernel,
  });
  const get = async (name: string): Promise<Response> =>
    fetchKernel(`${base}/kapis/tenant.mortise.io/v1/workspaces/${encodeURIComponent(name)}`, {
      headers: { authorization: `Bearer ${await tokens.token()}`, accept: 'application/json' },
    });

  return async (name) => {
    try {
      let res = await get(name);
      if (res.status === 401) {
        // The secret was rotated or the extension reinstalled: a token from the current secret may work.
        tokens.invalidate();
        res = await get(name);
      }
      const body = (await res.json().catch(() => ({}))) as StatusBody;
      if (!res.ok) {
        const message = typeof body.message === 'string' ? `: ${body.message}` : '';
        return { name, unresolved: `the kernel answered ${res.status}${message}` };
      }
      const displayName = body.spec?.displayName;
      return typeof displayName === 'string' ? { name, displayName } : { name };
    } catch (err) {
      return { name, unresolved: `the kernel could not be asked: ${(err as Error).message}` };
    }
  };
}
