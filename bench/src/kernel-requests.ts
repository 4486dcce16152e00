import type { LoadRequest } from './autocannon.js';

/** `admin`'s access token from the kernel at `url` (password grant through the CLI's client). */
export async function adminToken(url: string, password: string): Promise<string> {
  const res = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'mortise-cli', username: 'admin', password }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`bench login failed: ${res.status}`);
  return body.access_token;
}

let created = 0;

/** Load-generator requests that each create a new, uniquely named workspace at `path`. */
export function createWorkspaceRequests(path: string, headers: Record<string, string>): LoadRequest[] {
  return [
    {
      method: 'POST',
      path,
      headers: { ...headers, 'content-type': 'application/json' },
      setupRequest: (request) => ({
        ...request,
        body: JSON.stringify({ metadata: { name: `post-${process.pid}-${created++}` }, spec: {} }),
      }),
    },
  ];
}
