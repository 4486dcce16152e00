import type { AdmissionPlugin, AdmissionRequest, KindDefinition, Resource } from '@mortise/api';
import { API_KEY_KIND, USER_KIND, type APIKey, type User } from './iam-kinds.js';
import type { Identity } from './identity.js';

function isKind(ref: { group: string; kind: string }) {
  return (kind: KindDefinition) => kind.group === ref.group && kind.kind === ref.kind;
}

/**
 * User rules in the generic REST: the write-only password (policy, argon2id
 * into the PasswordCredential, stripped before the User is stored), unique
 * emails, and what follows a change (a disabled user's sessions end) or a
 * deletion (credential, sessions and login records go).
 */
export function userAdmission(identity: Identity): AdmissionPlugin {
  const hashes = new WeakMap<AdmissionRequest, string>();
  return {
    name: 'iam-users',
    handles: isKind(USER_KIND),
    async admit(request) {
      switch (request.operation) {
        case 'create': {
          const { user, passwordHash } = await identity.users.admitNewUser(request.object as User);
          Object.assign(request.object, user);
          if (passwordHash !== undefined) hashes.set(request, passwordHash);
          return;
        }
        case 'update':
          identity.users.admitUserUpdate(request.object as User);
          return;
        case 'delete':
          return;
        default: {
          const unreachable: never = request.operation;
          return unreachable;
        }
      }
    },
    async written(request, stored) {
      if (request.operation === 'delete') {
        if (!stored.metadata.deletionTimestamp) await identity.users.afterUserDeleted(stored.metadata.name);
        return;
      }
      if (request.operation === 'create') await identity.users.afterUserCreated(stored, hashes.get(request));
      else await identity.users.afterUserWritten(stored, hashes.get(request));
    },
  };
}

/**
 * APIKey rules in the generic REST: each user sees and manages their own
 * keys (those who may act on every user's `users/apikeys` all); create generates the id and the secret, stores only its
 * hash, and answers the key once in `status.secret`.
 */
export function apiKeyAdmission(identity: Identity): AdmissionPlugin {
  const secrets = new WeakMap<AdmissionRequest, string>();
  return {
    name: 'iam-api-keys',
    handles: isKind(API_KEY_KIND),
    async admit(request) {
      switch (request.operation) {
        case 'create': {
          const { key, secret } = await identity.apiKeys.admitNewKey(request.caller, request.object as APIKey);
          for (const field of Object.keys(request.object)) delete (request.object as Record<string, unknown>)[field];
          Object.assign(request.object, key);
          secrets.set(request, secret);
          return;
        }
        case 'update':
          identity.apiKeys.admitKeyUpdate(request.object as APIKey, request.oldObject as APIKey | undefined);
          return;
        case 'delete':
          return;
        default: {
          const unreachable: never = request.operation;
          return unreachable;
        }
      }
    },
    async written(request, stored): Promise<Resource | void> {
      if (request.operation === 'delete') return identity.apiKeys.afterKeyDeleted(stored.metadata.name);
      const secret = secrets.get(request);
      if (secret !== undefined) return identity.apiKeys.afterKeyCreated(stored, secret);
    },
    listSelector: (caller) => identity.apiKeys.ownerSelector(caller),
    checkAccess: (caller, object) => identity.apiKeys.assertMayAccess(caller, object),
  };
}
