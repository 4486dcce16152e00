import type { CliCredentials } from './cli-config.js';
import { CliError, ExitCode } from './exit-codes.js';
import { kernelError } from './kernel-status.js';

/** The kernel's built-in public OAuth client for command-line tools. */
export const CLI_CLIENT_ID = 'mortise-cli';

interface TokenResponse {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
}

/** Normalizes a kernel URL: an `http(s)://` origin and path without a trailing slash. */
export function normalizeServer(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new CliError(
      `"${server}" is not a URL; give the kernel's address, e.g. http://127.0.0.1:8080`,
      ExitCode.Usage,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`"${server}" is not an http(s) URL`, ExitCode.Usage);
  }
  return url.href.replace(/\/+$/, '');
}

/** Calls fetch, turning a refused connection into a CliError that names the server. */
export async function reach(server: string, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new CliError(`cannot reach the kernel at ${server} (${detail})`, ExitCode.Unreachable);
  }
}

/** POST /oauth/token with `params` (password or refresh_token grant) → stored credentials. */
export async function tokenGrant(
  server: string,
  params: Record<string, string>,
  username?: string,
): Promise<CliCredentials> {
  const response = await reach(server, `${server}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ client_id: CLI_CLIENT_ID, ...params }).toString(),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  if (!response.ok) throw kernelError(response.status, body);
  const token = body as TokenResponse;
  if (!token.access_token) throw new CliError(`${server}/oauth/token answered without an access token`);
  return {
    server,
    ...(username !== undefined ? { username } : {}),
    type: 'token',
    accessToken: token.access_token,
    ...(token.refresh_token ? { refreshToken: token.refresh_token } : {}),
    ...(token.expires_in ? { expiresAt: new Date(Date.now() + token.expires_in * 1000).toISOString() } : {}),
  };
}
