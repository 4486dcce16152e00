/** The group this service answers under `/kapis`. */
export const NOTES_GROUP = 'notes.samples.mortise.io';
export const EXTENSION_NAME = 'remote-notes';
/** What the identity token's `aud` is for every route of this extension. */
export const NOTES_AUDIENCE = `ext:${EXTENSION_NAME}`;

const labels = { 'extensions.mortise.io/extension': EXTENSION_NAME };
const meta = (name: string) => ({ name, labels });

/**
 * The gateway objects that put this service under the platform: its API
 * under `/kapis/notes.samples.mortise.io/v1`, its page under
 * `/proxy/notes/`, its console bundle under `/dist/remote-notes/` and a
 * menu entry visible to whoever may list notes in the workspace.
 */
export function gatewayObjects(serviceUrl: string) {
  return [
    {
      apiVersion: 'extensions.mortise.io/v1',
      kind: 'APIService',
      metadata: meta('remote-notes'),
      spec: { group: NOTES_GROUP, version: 'v1', url: serviceUrl, timeouts: { connect: 2000, response: 10000 } },
    },
    {
      apiVersion: 'extensions.mortise.io/v1',
      kind: 'ReverseProxy',
      metadata: meta('remote-notes-ui'),
      spec: {
        matcher: { path: '/proxy/notes/*', method: 'GET' },
        url: `${serviceUrl}/ui`,
        directives: { stripPathPrefix: '/proxy/notes', headerDown: ['X-Frame-Options SAMEORIGIN'] },
      },
    },
    {
      apiVersion: 'extensions.mortise.io/v1',
      kind: 'JSBundle',
      metadata: meta('remote-notes'),
      spec: { url: `${serviceUrl}/static` },
    },
    {
      apiVersion: 'extensions.mortise.io/v1',
      kind: 'ExtensionEntry',
      metadata: meta('remote-notes'),
      spec: {
        entries: [
          {
            name: 'workspace-notes',
            title: 'Notes',
            icon: 'note',
            parent: 'workspace.sidebar',
            route: '/workspaces/:workspace/notes',
            order: 60,
            permission: { verb: 'list', apiGroup: NOTES_GROUP, resource: 'notes', scope: 'workspace' },
          },
        ],
      },
    },
  ];
}
