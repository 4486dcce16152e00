import {
  ForbiddenError,
  IAM_GROUP,
  type AdmissionPlugin,
  type AdmissionRequest,
  type KindDefinition,
  type Resource,
} from '@mortise/api';
import { resourceCheck, type RbacAuthorizer } from '@mortise/authz';

function groupsOf(object: Resource | undefined): string[] {
  const spec = (object?.spec ?? {}) as { groups?: unknown };
  return Array.isArray(spec.groups) ? spec.groups.filter((g): g is string => typeof g === 'string') : [];
}

/**
 * Group membership grants whatever is bound to the group, so putting a user
 * into a group (a User's `spec.groups`) needs `bind` on that group
 * (`iam.mortise.io` `groups/<name>`): users who may edit their own User
 * cannot join groups by themselves.
 */
export class GroupMembershipGuard implements AdmissionPlugin {
  readonly name = 'group-membership-guard';

  constructor(private readonly authz: RbacAuthorizer) {}

  handles(kind: KindDefinition): boolean {
    return kind.group === IAM_GROUP && kind.kind === 'User';
  }

  admit({ operation, caller, object, oldObject }: AdmissionRequest): void {
    if (operation === 'delete') return;
    const before = new Set(groupsOf(oldObject));
    const principal = this.authz.principalOf(caller);
    for (const group of groupsOf(object)) {
      if (before.has(group)) continue;
      const decision = this.authz.decide(
        principal,
        resourceCheck('bind', { apiGroup: IAM_GROUP, resource: 'groups', name: group }),
      );
      if (!decision.allowed || decision.filtered) {
        throw new ForbiddenError(
          `user "${caller.user.username}" cannot add users to group "${group}": that needs "bind" on groups/${group}`,
          {
            group: IAM_GROUP,
            kind: 'User',
            name: object.metadata.name,
          },
        );
      }
    }
  }
}
