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
