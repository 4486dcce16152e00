import { AUTHENTICATED_GROUP, AlreadyExistsError } from '@mortise/api';
import { bindingObject, type RbacIndex } from '@mortise/authz';
import type { ResourceStore } from '@mortise/store';
import { AUTHENTICATED_ROLE, PLATFORM_ADMIN } from './builtin-roles.js';
import type { BuiltinRoleStamper } from './builtin-role-stamper.js';

/**
 * At every start: the built-in GlobalRoles, `authenticated` bound to every
 * logged-in user, and the named administrators bound to platform-admin.
 * Existing bindings are left as they are.
 */
export async function bootstrapPlatformRoles(
  store: ResourceStore,
  stamper: BuiltinRoleStamper,
  index: RbacIndex,
  admins: readonly string[],
): Promise<void> {
  await stamper.stampPlatform();
  const bindings = [
    bindingObject('GlobalRoleBinding', AUTHENTICATED_ROLE, { level: 'global' }, AUTHENTICATED_ROLE, [
      { kind: 'Group', name: AUTHENTICATED_GROUP },
    ]),
    ...admins.map((admin) =>
      bindingObject('GlobalRoleBinding', `${admin}-${PLATFORM_ADMIN}`, { level: 'global' }, PLATFORM_ADMIN, [
        { kind: 'User', name: admin },
      ]),
    ),
  ];
  for (const binding of bindings) {
    try {
      index.apply('ADDED', await store.create(binding));
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
    }
  }
}
