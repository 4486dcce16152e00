import {
  AUTHENTICATED_GROUP,
  type AuthenticationRequest,
  type Authenticator,
  type Caller,
  type KindDefinition,
} from '@mortise/api';
import type { TSchema } from '@sinclair/typebox';
import type { KernelOptions } from '../create-kernel.js';
import { USERS_PATH } from './identity.js';
import {
  openWatch,
  passwordLogin,
  startTestKernel,
  type CallOptions,
  type CallResult,
  type TestKernel,
  type WatchReader,
} from './kernel-fixture.js';

const FIXTURE_PASSWORD = 'fixture password';
const TEST_TOKEN = /^Bearer test:([a-z0-9][-a-z0-9]*)$/;

/** Test-only credentials: `Authorization: Bearer test:<username>` is that user, logged in. */
export class TestUserAuthenticator implements Authenticator {
  async authenticate(request: AuthenticationRequest): Promise<Caller | undefined> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? TEST_TOKEN.exec(header) : null;
    if (!match) return undefined;
    const username = match[1] ?? '';
    return { user: { username, uid: username, groups: [AUTHENTICATED_GROUP] }, credential: 'token' };
  }
}

/** A project-scoped kind as an extension would declare it. */
export const WIDGET_KIND: KindDefinition = {
  group: 'example.mortise.io',
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  singular: 'widget',
  scope: 'namespace',
  owner: { type: 'extension', name: 'example' },
  schema: {
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      spec: { type: 'object', properties: { size: { type: 'integer' } } },
    },
  } as unknown as TSchema,
};

export interface AccessControlKernel extends TestKernel {
  auditDir: string;
  /**
   * A call as `user` with a real access token: the bootstrap admin's, or for a
   * stored user one from the password grant after the admin set a fixture
   * password (once per user). Names that are no stored user fall back to test
   * credentials; `anonymous` sends none.
   */
  as(user: string, method: string, path: string, options?: CallOptions): Promise<CallResult>;
  /** A watch (`?watch=true` is added) as `user`. */
  watchAs(user: string, path: string): Promise<WatchReader>;
}

/** A kernel with authorization, tenancy and audit on, test credentials and the Widget kind. */
export async function startAccessControlKernel(options: KernelOptions = {}): Promise<AccessControlKernel> {
  const test = await startTestKernel({
    ...options,
    authenticators: [new TestUserAuthenticator(), ...(options.authenticators ?? [])],
    kinds: [WIDGET_KIND, ...(options.kinds ?? [])],
    accessControl: { admins: ['admin'], ...(options.accessControl || {}) },
  });
  const auditDir = test.auditDir ?? '';
  const tokens = new Map<string, string>([['admin', test.adminToken]]);
  const credential = async (user: string): Promise<string> => {
    const cached = tokens.get(user);
    if (cached !== undefined) return cached;
    const reset = await test.call('PUT', `${USERS_PATH}/${user}/password`, { body: { password: FIXTURE_PASSWORD } });
    const token = reset.status === 204 ? await passwordLogin(test.url, user, FIXTURE_PASSWORD) : `test:${user}`;
    tokens.set(user, token);
    return token;
  };
  const as = async (user: string, method: string, path: string, opts: CallOptions = {}): Promise<CallResult> =>
    test.call(method, path, {
      ...opts,
      anonymous: user === 'anonymous',
      headers: {
        ...opts.headers,
        ...(user === 'anonymous' ? {} : { authorization: `Bearer ${await credential(user)}` }),
      },
    });
  const watchAs = async (user: string, path: string): Promise<WatchReader> =>
    openWatch(`${test.url}${path}${path.includes('?') ? '&' : '?'}watch=true`, {
      authorization: `Bearer ${await credential(user)}`,
    });
  return {
    ...test,
    auditDir,
    as,
    watchAs,
  };
}
