import { IAM_GROUP, type PolicyRule, type Resource } from '@mortise/api';
import type { KindRef } from '@mortise/store';
import { EXTENSION_LABEL, serviceIdentityOf } from './install-plan-names.js';

export const IDENTITY_KINDS: KindRef[] = [
  { group: IAM_GROUP, kind: 'GlobalRole' },
  { group: IAM_GROUP, kind: 'GlobalRoleBinding' },
];

/**
 * An installed extension's own identity: the user `ext:<name>` (a service
 * identity: no User object, no password, like Kubernetes' `system:` users;
 * a colon cannot appear in a login name, so nobody can log in as it), bound
 * to a GlobalRole holding exactly the rules its manifest's `permissions`
 * asks for. Both are labelled with the extension and go on uninstall.
 */
export function serviceIdentityObjects(extension: string, permissions: PolicyRule[] | undefined): Resource[] {
  const name = `ext-${extension}`;
  const metadata = { name, labels: { [EXTENSION_LABEL]: extension } };
  return [
    {
      apiVersion: `${IAM_GROUP}/v1`,
      kind: 'GlobalRole',
      metadata,
      rules: permissions ?? [],
    },
    {
      apiVersion: `${IAM_GROUP}/v1`,
      kind: 'GlobalRoleBinding',
      metadata,
      roleRef: { apiGroup: IAM_GROUP, kind: 'GlobalRole', name },
      subjects: [{ kind: 'User', name: serviceIdentityOf(extension) }],
    },
  ];
}
