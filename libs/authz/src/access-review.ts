import {
  InvalidError,
  NotFoundError,
  ForbiddenError,
  type Caller,
  type KindRegistry,
  type StatusCause,
  IAM_GROUP,
  TENANT_GROUP,
} from '@mortise/api';
import { resourceCheck, type AccessCheck } from './access-check.js';
import type { Principal, RbacAuthorizer } from './rbac-authorizer.js';

/** `POST /kapis/iam.mortise.io/v1/accessreviews`: a resource question or a non-resource one. */
export interface AccessReviewRequest {
  user?: string;
  verb: string;
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  name?: string;
  workspace?: string;
  project?: string;
  nonResourceURL?: string;
}

export interface AccessReviewResult {
  allowed: boolean;
  reason: string;
  role: { kind: string; name: string; workspace?: string; project?: string } | null;
  binding: { kind: string; name: string; workspace?: string; project?: string } | null;
}

function optionalString(body: Record<string, unknown>, field: string, causes: StatusCause[]): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    causes.push({ reason: 'FieldValueInvalid', field, message: `${field} must be a string` });
    return undefined;
  }
  return value;
}

/** Checks the shape of a review body; throws InvalidError naming every bad field. */
export function parseAccessReview(body: unknown): AccessReviewRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidError('an access review must be a JSON object', {
      causes: [{ reason: 'FieldValueInvalid', field: '', message: 'expected an object' }],
    });
  }
  const fields = body as Record<string, unknown>;
  const causes: StatusCause[] = [];
  const review: AccessReviewRequest = { verb: optionalString(fields, 'verb', causes) ?? '' };
  for (const key of [
    'user',
    'apiGroup',
    'resource',
    'subresource',
    'name',
    'workspace',
    'project',
    'nonResourceURL',
  ] as const) {
    const value = optionalString(fields, key, causes);
    if (value !== undefined) review[key] = value;
  }
  if (!review.verb) causes.push({ reason: 'FieldValueRequired', field: 'verb', message: 'verb is required' });
  if (review.nonResourceURL === undefined && !review.resource) {
    causes.push({ reason: 'FieldValueRequired', field: 'resource', message: 'give resource, or nonResourceURL' });
  }
  if (review.nonResourceURL !== undefined && review.resource) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'nonResourceURL',
      message: 'give resource or nonResourceURL, not both',
    });
  }
  if (causes.length > 0) throw new InvalidError('the access review is invalid', { causes });
  return review;
}

/**
 * Answers "may this user do this, and which role and binding say so".
 * Callers may ask about themselves; asking about someone else needs `get`
 * on that User, or `list` on members where the question is scoped.
 */
export class AccessReviewer {
  constructor(
    private readonly authz: RbacAuthorizer,
    private readonly kinds: KindRegistry,
    private readonly userExists: (username: string) => boolean,
  ) {}

  review(caller: Caller, review: AccessReviewRequest): AccessReviewResult {
    const self = review.user === undefined || review.user === caller.user.username;
    let principal: Principal;
    if (self) principal = this.authz.principalOf(caller);
    else {
      const user = review.user ?? '';
      this.assertMayAskAbout(caller, user, review);
      if (!this.userExists(user)) throw new NotFoundError(`user "${user}" not found`, { kind: 'User', name: user });
      principal = this.authz.principalOfUser(user);
    }
    const decision = this.authz.decide(principal, this.checkOf(review));
    return {
      allowed: decision.allowed,
      reason: decision.reason,
      role: decision.role ?? null,
      binding: decision.binding ?? null,
    };
  }

  private checkOf(review: AccessReviewRequest): AccessCheck {
    if (review.nonResourceURL !== undefined) {
      return {
        verb: review.verb,
        isResourceRequest: false,
        path: review.nonResourceURL,
        apiGroup: '',
        resource: '',
        subresource: '',
        name: '',
        workspace: '',
        project: '',
      };
    }
    const resource = review.resource ?? '';
    return resourceCheck(review.verb, {
      apiGroup: review.apiGroup ?? this.groupOf(resource),
      resource,
      subresource: review.subresource ?? '',
      name: review.name ?? '',
      workspace: review.workspace ?? '',
      project: review.project ?? '',
    });
  }

  /** The API group of a plural when exactly one registered kind uses it. */
  private groupOf(resource: string): string {
    const groups = [
      ...new Set(
        this.kinds
          .list()
          .filter((k) => k.plural === resource)
          .map((k) => k.group),
      ),
    ];
    if (groups.length === 1) return groups[0] ?? '';
    throw new InvalidError(
      groups.length === 0
        ? `no registered kind has the plural "${resource}"; give apiGroup`
        : `"${resource}" is served by several API groups (${groups.join(', ')}); give apiGroup`,
      {
        causes: [
          { reason: 'FieldValueRequired', field: 'apiGroup', message: 'apiGroup is required for this resource' },
        ],
      },
    );
  }

  private assertMayAskAbout(caller: Caller, user: string, review: AccessReviewRequest): void {
    const principal = this.authz.principalOf(caller);
    const mayReadUser = this.authz.decide(
      principal,
      resourceCheck('get', { apiGroup: IAM_GROUP, resource: 'users', name: user }),
    ).allowed;
    const scoped = Boolean(review.workspace || review.project);
    const members =
      scoped &&
      this.authz.decide(
        principal,
        resourceCheck('list', {
          apiGroup: TENANT_GROUP,
          resource: 'members',
          workspace: review.workspace ?? '',
          project: review.project ?? '',
        }),
      );
    // A filtered list (only some members visible) is not enough to ask about anyone.
    const mayListMembers = members !== false && members.allowed && !members.filtered;
    if (!mayReadUser && !mayListMembers) {
      throw new ForbiddenError(
        `user "${caller.user.username}" cannot review the access of user "${user}": that needs get on the user, or list on members of the scope asked about`,
      );
    }
  }
}
