/**
 * Types shared by the request pipeline's stages. They live here, not in the
 * libs that implement the stages, so identity, authorization, the gateway and
 * the runtime depend on the contract rather than on each other.
 */

export interface UserInfo {
  /** Login name; the `sub` of kernel tokens. */
  username: string;
  uid: string;
  groups: string[];
}

export type CredentialType = 'token' | 'apikey' | 'cookie' | 'anonymous';

/** Who is calling, as established by the authentication stage. */
export interface Caller {
  user: UserInfo;
  credential: CredentialType;
  /** `jti` of the access token, or the API key id; never the secret itself. */
  credentialId?: string;
  /** OAuth client the token was issued to (`azp`). */
  clientId?: string;
}

export const ANONYMOUS_USERNAME = 'system:anonymous';
export const ANONYMOUS_GROUP = 'system:unauthenticated';
export const AUTHENTICATED_GROUP = 'system:authenticated';

export const ANONYMOUS_CALLER: Readonly<Caller> = Object.freeze({
  user: Object.freeze({ username: ANONYMOUS_USERNAME, uid: '', groups: [ANONYMOUS_GROUP] }),
  credential: 'anonymous',
});

/** What the authentication stage sees of a request: no body, no framework types. */
export interface AuthenticationRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  ip: string;
  /**
   * The connection the request came on, when there is one: a strategy may
   * remember the credential it last checked there, as a keep-alive client
   * sends the same one on every request.
   */
  readonly socket?: object;
}

/**
 * One credential strategy. Returns undefined when the request carries no
 * credential of its kind; throws UnauthorizedError when it carries one that
 * is invalid (expired, revoked, forged). May answer synchronously (a cached
 * credential): the pipeline then needs no promise for the request.
 */
export interface Authenticator {
  authenticate(request: AuthenticationRequest): Promise<Caller | undefined> | Caller | undefined;
}

export type RequestVerb =
  | 'get'
  | 'list'
  | 'watch'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'deletecollection'
  /** Non-resource requests use the lowercased HTTP method. */
  | 'head'
  | 'options'
  | 'post'
  | 'put';

export type RequestScope = 'global' | 'workspace' | 'namespace';

/** What a request asks to do, resolved from its method and path. */
export interface RequestInfo {
  readonly isResourceRequest: boolean;
  /** Path without the query string. */
  readonly path: string;
  readonly verb: RequestVerb;
  readonly apiGroup: string;
  readonly apiVersion: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
  readonly scope: RequestScope;
  readonly workspace: string;
  /** The project (the `namespaces/{ns}` segment). */
  readonly project: string;
}

/** What a request for a path outside the resource API asks: the path, with the lowercased method as verb. */
export function nonResourceRequestInfo(path: string, method: string): RequestInfo {
  return {
    isResourceRequest: false,
    path,
    verb: method.toLowerCase() as RequestVerb,
    apiGroup: '',
    apiVersion: '',
    resource: '',
    subresource: '',
    name: '',
    scope: 'global',
    workspace: '',
    project: '',
  };
}

export interface Decision {
  allowed: boolean;
  /** Why: which rule allowed, or what was missing. Safe to show the caller. */
  reason: string;
  role?: { kind: string; name: string; workspace?: string; project?: string } | null;
  binding?: { kind: string; name: string; workspace?: string; project?: string } | null;
  /**
   * A list or watch allowed only over the objects the caller may `get`: the
   * server returns those (via `Authorizer.mayGet`) instead of refusing.
   */
  filtered?: boolean;
}

/** The part of a stored object that decides whether a caller may see it. */
export interface ObjectLocation {
  metadata: { name: string; namespace?: string; workspace?: string };
}

export interface Authorizer {
  authorize(caller: Caller, info: RequestInfo): Promise<Decision> | Decision;
  /** Whether the caller may `get` one stored object; filters lists and watches a `filtered` decision allowed. */
  mayGet?(caller: Caller, apiGroup: string, resource: string, object: ObjectLocation): boolean;
}
