import type { FastifyInstance } from 'fastify';
import type { ExtensionCredentials } from './extension-credentials.js';

/** `installplans/{name}/credentials`: RequestInfo resource `installplans`, subresource `credentials`. */
export const EXTENSION_CREDENTIALS_PATH = '/kapis/extensions.mortise.io/v1/installplans/:name/credentials';

/**
 * `GET .../installplans/{name}/credentials` shows a service extension's client
 * id and secret; `POST` rotates the secret and shows the new one (201). Behind
 * the kernel's pipeline like any `/kapis` path, authorized as verbs `get` and
 * `create` on `installplans/credentials`, which only platform admins hold.
 * Errors are domain errors; the caller's error handler turns them into Status.
 */
export function registerExtensionCredentialRoutes(app: FastifyInstance, credentials: ExtensionCredentials): void {
  app.get<{ Params: { name: string } }>(EXTENSION_CREDENTIALS_PATH, async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    return credentials.read(request.params.name);
  });
  app.post<{ Params: { name: string } }>(EXTENSION_CREDENTIALS_PATH, async (request, reply) => {
    const rotated = await credentials.rotate(request.params.name);
    return reply.code(201).header('cache-control', 'no-store').send(rotated);
  });
}
