import type { Caller, Resource } from '@mortise/api';
import type { ResourceAdmission } from '@mortise/apiserver';
import type { APIKey, User } from './iam-kinds.js';
import type { Identity } from './identity.js';

/**
 * User rules in the generic REST: the write-only password (policy, argon2id
 * into the PasswordCredential, stripped), unique emails, and what follows a
 * change (a disabled user's sessions end) or a deletion (credential,
 * sessions and login records go).
 */
export function userAdmission(identity: Identity): ResourceAdmission {
  return {
    async admitCreate(_caller: Caller, object: Resource) {
      const { user, passwordHash } = await identity.users.admitNewUser(object as User);
      Object.assign(object, user);
      return async (stored: Resource) => {
        await identity.users.afterUserWritten(stored, passwordHash);
        return stored;
      };
    },
    admitUpdate(_caller: Caller, object: Resource) {
      identity.users.admitUserUpdate(object as User);
    },
    afterUpdate: (_caller, stored) => identity.users.afterUserWritten(stored),
    afterDelete: (_caller, deleted) => identity.users.afterUserDeleted(deleted.metadata.name),
  };
}

/**
 * APIKey rules in the generic REST: each user sees and manages their own
 * keys (admins all); create generates the id and the secret, stores only
 * its hash, and answers the key once in `status.secret`.
 */
export function apiKeyAdmission(identity: Identity): ResourceAdmission {
  return {
    admitCreate(caller: Caller, object: Resource) {
      const { key, secret } = identity.apiKeys.admitNewKey(caller, object as APIKey);
      for (const field of Object.keys(object)) delete (object as Record<string, unknown>)[field];
      Object.assign(object, key);
      return (stored: Resource) => identity.apiKeys.afterKeyCreated(stored, secret);
    },
    admitUpdate(caller: Caller, object: Resource, previous: Resource | undefined) {
      if (previous) identity.apiKeys.assertMayAccess(caller, previous);
      identity.apiKeys.admitKeyUpdate(object as APIKey, previous as APIKey | undefined);
    },
    afterDelete: (_caller, deleted) => identity.apiKeys.afterKeyDeleted(deleted.metadata.name),
    listSelector: (caller) => identity.apiKeys.ownerSelector(caller),
    checkAccess: (caller, object) => identity.apiKeys.assertMayAccess(caller, object),
  };
}
