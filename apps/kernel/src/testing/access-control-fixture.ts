import {
  AUTHENTICATED_GROUP,
  type AuthenticationRequest,
  type Authenticator,
  type Caller,
  type KindDefinition,
} from '@mortise/api';
import type { TSchema } from '@sinclair/typebox';
import type { KernelOptions } from '../create-kernel.js';
import {
  openWatch,
  startTestKernel,
  type CallOptions,
  type CallResult,
  type TestKernel,
  type WatchReader,
} from './kernel-fixture.js';

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
  /** A call as `user` (test credentials); `anonymous` sends none. */
  as(user: string, method: string, path: string, options?: CallOptions): Promise<CallResult>;
  /** A watch (`?watch=true` is added) as `user`. */
  watchAs(user: string, path: string): Promise<WatchReader>;
}

/** A kernel with authorization, tenancy and audit on, test credentials and the Widget kind. */
export async function startAccessControlKernel(options: KernelOptions = {}): Promise<AccessControlKernel> {
  const test = await startTestKernel({
    ...options,
    // The tests create their users (admin included) themselves and call with test credentials.
    identity: options.identity === false ? false : { ...options.identity, admin: false },
    authenticators: [new TestUserAuthenticator(), ...(options.authenticators ?? [])],
    kinds: [WIDGET_KIND, ...(options.kinds ?? [])],
    accessControl: { admins: ['admin'], ...(options.accessControl || {}) },
  });
  const auditDir = test.auditDir ?? '';
  const as = (user: string, method: string, path: string, opts: CallOptions = {}): Promise<CallResult> =>
    test.call(method, path, {
      ...opts,
      anonymous: user === 'anonymous',
      headers: { ...opts.headers, ...(user === 'anonymous' ? {} : { authorization: `Bearer test:${user}` }) },
    });
  const watchAs = (user: string, path: string): Promise<WatchReader> =>
    openWatch(`${test.url}${path}${path.includes('?') ? '&' : '?'}watch=true`, {
      authorization: `Bearer test:${user}`,
    });
  return {
    ...test,
    auditDir,
    as,
    watchAs,
  };
}
