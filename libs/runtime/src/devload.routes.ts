import type { FastifyInstance } from 'fastify';
import { BadRequestError } from '@mortise/api';
import type { ExtensionRuntime } from './extension-runtime.js';
import type { ExtensionStatus } from './extension-status.js';

export const DEVLOADS_PATH = '/kapis/extensions.mortise.io/v1/devloads';

function devLoad(status: ExtensionStatus) {
  return {
    apiVersion: 'extensions.mortise.io/v1',
    kind: 'DevLoad',
    metadata: { name: status.name },
    spec: { directory: status.directory },
    status,
  };
}

/**
 * `POST /kapis/extensions.mortise.io/v1/devloads {directory, config?}` installs
 * the extension built in `directory`, or upgrades to it; `GET` lists what is
 * loaded. Until the registry drives installs from InstallPlans this is how
 * `mortise dev` loads an extension. The pipeline authorizes it as
 * `create devloads` in `extensions.mortise.io`, which only platform admins hold;
 * `DELETE .../devloads/{name}[?purge=true]` uninstalls;
 * the kernel registers it only when development loads are enabled.
 */
export function registerDevloadRoutes(app: FastifyInstance, runtime: ExtensionRuntime): void {
  app.post(DEVLOADS_PATH, async (request, reply) => {
    const body = request.body as { directory?: unknown; config?: unknown } | undefined;
    if (typeof body?.directory !== 'string' || body.directory === '') {
      throw new BadRequestError('body must be {"directory": "<path of a built extension package>", "config"?: {...}}');
    }
    const status = await runtime.load(body.directory, body.config === undefined ? {} : { config: body.config });
    return reply.code(201).send(devLoad(status));
  });
  app.delete<{ Params: { name: string }; Querystring: { purge?: string } }>(
    `${DEVLOADS_PATH}/:name`,
    async (request) => {
      await runtime.uninstall(request.params.name, { purge: request.query.purge === 'true' });
      return {
        apiVersion: 'v1',
        kind: 'Status',
        metadata: {},
        status: 'Success',
        code: 200,
        message: `extension "${request.params.name}" uninstalled`,
      };
    },
  );
  app.get(DEVLOADS_PATH, async () => ({
    apiVersion: 'extensions.mortise.io/v1',
    kind: 'DevLoadList',
    metadata: {},
    items: runtime.list().map(devLoad),
  }));
}
