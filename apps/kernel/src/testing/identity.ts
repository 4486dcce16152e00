import type { TestKernel } from './kernel-fixture.js';

export const USERS_PATH = '/kapis/iam.mortise.io/v1/users';

/** Creates a user through the REST API as the admin (the password is write-only there). */
export async function createUser(
  k: TestKernel,
  name: string,
  password = 'correct horse',
  spec: Record<string, unknown> = {},
): Promise<{ uid: string }> {
  const res = await k.call('POST', USERS_PATH, {
    body: { metadata: { name }, spec: { email: `${name}@example.com`, password, ...spec } },
  });
  if (res.status !== 201) throw new Error(`creating user ${name} failed: ${res.status} ${res.text}`);
  return { uid: res.body.metadata.uid as string };
}

export interface TokenAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** `POST /oauth/token` with `grant_type=client_credentials`, the client authenticated by HTTP Basic. */
export async function clientCredentialsGrant(
  url: string,
  clientId: string,
  clientSecret: string,
): Promise<TokenAnswer> {
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
  const response = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
  });
  return { status: response.status, body: await response.json() };
}
