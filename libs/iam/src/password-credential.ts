import type { Resource } from '@mortise/api';
import type { PasswordCredential } from './iam-kinds.js';

/**
 * The stored credential if it is this user's: set for the same uid, or
 * stored before credentials recorded one. A credential of an earlier user of
 * the same name (deleted, its credential left behind) is no one's.
 */
export function credentialOf(
  user: Resource | undefined,
  credential: PasswordCredential | undefined,
): PasswordCredential | undefined {
  if (user === undefined || credential === undefined) return undefined;
  const { userUid } = credential.spec;
  return userUid === undefined || userUid === user.metadata.uid ? credential : undefined;
}
