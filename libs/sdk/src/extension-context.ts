import type { UserInfo } from '@mortise/api';

/** Where a request or a check applies: a workspace, a project (with its workspace), or the platform. */
export interface ExtensionScope {
  workspace?: string;
  project?: string;
}

/** A resource named in an authorization check; a bare string is a resource in the extension's own group. */
export type ResourceSpec =
  | string
  | {
      /** Defaults to the extension's own API group. */
      group?: string;
      /** Plural, optionally with a subresource: `announcements/acknowledge`. */
      resource: string;
      name?: string;
    };

/**
 * The authenticated caller of the current request, as the kernel's pipeline
 * established it, with the workspace and project the request addresses.
 * `can` asks the kernel's authorizer about this caller; the scope defaults
 * to the request's own.
 */
export interface ExtensionCaller {
  readonly user: Readonly<UserInfo>;
  readonly workspace: string | undefined;
  readonly project: string | undefined;
  can(verb: string, resource: ResourceSpec, scope?: ExtensionScope): Promise<boolean>;
}

/** The kernel's authorizer, for services that receive the caller as their first argument. */
export interface ExtensionAuthorizer {
  can(caller: ExtensionCaller, verb: string, resource: ResourceSpec, scope?: ExtensionScope): Promise<boolean>;
}
