import type { TestUser } from './test-authorizer.js';
import { fixtureEntry, writeExtensionPackage } from './extension-package.js';

export const FAULTS_GROUP = 'faults.example.io';
export const FAULTS_PATH = `/kapis/${FAULTS_GROUP}/v1`;

/** Users of the runtime's tests: an admin, a widget manager, a reader, and one with no grants. */
export const TEST_USERS: Record<string, TestUser> = {
  admin: { rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'], nonResourceURLs: ['*'] }] },
  manager: { roleTemplates: ['widgets-manage'] },
  reader: { roleTemplates: ['widgets-view'] },
  nobody: {},
};

export function faultsManifest(version = '1.0.0', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'faults',
    version,
    backend: { group: FAULTS_GROUP, timeoutSeconds: 0.3 },
    resources: [
      {
        kind: 'Widget',
        plural: 'widgets',
        scope: 'namespace',
        spec: { type: 'object', properties: { size: { type: 'integer' } } },
      },
    ],
    roleTemplates: [
      {
        name: 'widgets-manage',
        aggregateTo: ['project-admin'],
        rules: [{ apiGroups: [FAULTS_GROUP], resources: ['*'], verbs: ['*'], nonResourceURLs: [`${FAULTS_PATH}/*`] }],
      },
      {
        name: 'widgets-view',
        rules: [{ apiGroups: [FAULTS_GROUP], resources: ['widgets', 'hello'], verbs: ['get', 'list'] }],
      },
    ],
    entries: [{ name: 'widgets', title: 'Widgets', parent: 'project.sidebar' }],
    configSchema: { type: 'object', properties: { greeting: { type: 'string', default: 'hi' } } },
    ...extra,
  };
}

export async function faultsPackage(version = '1.0.0', extra: Record<string, unknown> = {}): Promise<string> {
  return writeExtensionPackage(faultsManifest(version, extra), fixtureEntry('faults'));
}
