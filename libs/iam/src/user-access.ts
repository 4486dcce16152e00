import {
  ForbiddenError,
  IAM_GROUP,
  nonResourceRequestInfo,
  type Authorizer,
  type Caller,
  type Decision,
  type RequestInfo,
} from '@mortise/api';

const IAM_VERSION = 'v1';

/** A user's credential subresources, as the authorizer names them (`users/password`, `users/unlock`, ...). */
export type UserSubresource = 'password' | 'unlock' | 'loginrecords' | 'apikeys';

/**
 * Identity's questions to the kernel's authorizer (the `Authorizer` contract
 * of `@mortise/api`, whichever implementation is installed). The HTTP
 * pipeline has already decided the request; services ask again because they
 * are also called outside HTTP, and because some answers shape the result
 * (an admin's reset skips the current password; a key list narrows to the
 * caller's own). Without an authorizer only a user's own subresources are
 * allowed: default deny.
 */
export class UserAccess {
  private source: () => Authorizer | undefined = () => undefined;

  /** Where decisions come from; a function, because the authorizer may be installed after identity starts. */
  useAuthorizer(source: () => Authorizer | undefined): void {
    this.source = source;
  }

  /** May `caller` do `verb` on `users/<subresource>` of user `username`? */
  async mayOnUser(caller: Caller, verb: RequestInfo['verb'], subresource: UserSubresource, username: string) {
    return this.allowed(caller, userRequest(verb, subresource, username));
  }

  async assertOnUser(
    caller: Caller,
    verb: RequestInfo['verb'],
    subresource: UserSubresource,
    username: string,
  ): Promise<void> {
    if (await this.mayOnUser(caller, verb, subresource, username)) return;
    throw new ForbiddenError(
      `user "${caller.user.username}" cannot ${verb} resource "users/${subresource}" in API group "${IAM_GROUP}" for user "${username}"`,
      { name: username, kind: 'User' },
    );
  }

  /**
   * The same question for synchronous callers (admission's `listSelector` and
   * `checkAccess`): an authorizer that answers with a promise is taken as a
   * refusal here, failing closed.
   */
  mayOnUserNow(caller: Caller, verb: RequestInfo['verb'], subresource: UserSubresource, username: string): boolean {
    return this.allowedNow(caller, userRequest(verb, subresource, username));
  }

  /** Whether `caller` may list `users/<subresource>` of every user, not just its own (synchronous, as above). */
  mayOnAllUsersNow(caller: Caller, subresource: UserSubresource): boolean {
    return this.allowedNow(caller, userRequest('list', subresource, ''));
  }

  /** A non-resource URL such as `/oauth/keys/rotate`, with the lowercased HTTP method as verb. */
  async assertNonResource(caller: Caller, verb: RequestInfo['verb'], path: string): Promise<void> {
    const info = nonResourceRequestInfo(path, verb);
    if (await this.allowed(caller, info)) return;
    throw new ForbiddenError(`user "${caller.user.username}" cannot ${verb} path "${path}"`);
  }

  private async allowed(caller: Caller, info: RequestInfo): Promise<boolean> {
    const decision = this.decide(caller, info);
    return typeof decision === 'boolean' ? decision : outright(await decision);
  }

  private allowedNow(caller: Caller, info: RequestInfo): boolean {
    const decision = this.decide(caller, info);
    return typeof decision === 'boolean' ? decision : 'allowed' in decision && outright(decision);
  }

  private decide(caller: Caller, info: RequestInfo): boolean | Decision | Promise<Decision> {
    if (caller.credential === 'anonymous') return false;
    const authorizer = this.source();
    if (!authorizer) return info.isResourceRequest && info.name !== '' && info.name === caller.user.username;
    return authorizer.authorize(caller, info);
  }
}

/** A list allowed only over what the caller may `get` one by one (`filtered`) is not a list of everyone's. */
function outright(decision: Decision): boolean {
  return decision.allowed && !decision.filtered;
}

function userRequest(verb: RequestInfo['verb'], subresource: UserSubresource, username: string): RequestInfo {
  return {
    isResourceRequest: true,
    path: `/kapis/${IAM_GROUP}/${IAM_VERSION}/users/${username}/${subresource}`,
    verb,
    apiGroup: IAM_GROUP,
    apiVersion: IAM_VERSION,
    resource: 'users',
    subresource,
    name: username,
    scope: 'global',
    workspace: '',
    project: '',
  };
}
