import type { ReverseProxy } from '@mortise/api';
import { TEST_ADMIN_PASSWORD, passwordLogin, startTestKernel } from '@mortise/kernel';

export interface StartedGateway {
  url: string;
  /** A bearer token the kernel accepts. */
  token: string;
}

/**
 * A real kernel (memory store, silent logs) with everything a production
 * request meets: identity (the admin's ES256 access token, verified and
 * cached by identity), RBAC authorization and audit (AccessControlModule),
 * the identity token the gateway signs with identity's key, metrics and the
 * access log, and a ReverseProxy to the upstream.
 */
export async function startGateway(upstream: string): Promise<StartedGateway> {
  const kernel = await startTestKernel({
    config: { logLevel: 'silent' },
    // The kernel's own access control (on by default), with the audit log in a fresh directory.
    accessControl: { admins: ['admin'] },
  });
  const token = await passwordLogin(kernel.url, 'admin', TEST_ADMIN_PASSWORD);
  const route: ReverseProxy = {
    apiVersion: 'extensions.mortise.io/v1',
    kind: 'ReverseProxy',
    metadata: { name: 'bench', labels: { 'extensions.mortise.io/extension': 'bench' } },
    spec: { matcher: { path: '/proxy/bench/*' }, url: upstream, directives: { stripPathPrefix: '/proxy/bench' } },
  };
  const created = await kernel.call('POST', '/kapis/extensions.mortise.io/v1/reverseproxies', { body: route });
  if (created.status !== 201) throw new Error(`ReverseProxy not created: ${created.text}`);
  // The catalog follows the store; wait for the route to serve.
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${kernel.url}/proxy/bench/ready`, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (res.status === 200) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return { url: kernel.url, token };
}
