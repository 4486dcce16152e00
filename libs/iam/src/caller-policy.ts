import { ForbiddenError, type Caller } from '@mortise/api';
import { PLATFORM_ADMINS_GROUP } from './iam-kinds.js';

/**
 * Interim authorization for identity operations, in one place so the
 * authorization stage can replace it: a caller may act on a user's password,
 * API keys and login records when it is that user or a platform admin
 * (group `system:platform-admins`, which the bootstrap admin carries until
 * roles exist).
 */
export function isPlatformAdmin(caller: Caller): boolean {
  return caller.user.groups.includes(PLATFORM_ADMINS_GROUP);
}

export function assertMayActOnUser(caller: Caller, username: string, options: { selfAllowed: boolean }): void {
  if (isPlatformAdmin(caller)) return;
  if (options.selfAllowed && caller.credential !== 'anonymous' && caller.user.username === username) return;
  throw new ForbiddenError(`user "${caller.user.username}" may not do this for user "${username}"`, {
    name: username,
    kind: 'User',
  });
}
