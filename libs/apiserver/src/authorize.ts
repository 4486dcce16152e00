import { ForbiddenError, type Authorizer, type Caller, type Decision, type RequestInfo } from '@mortise/api';

function describeRequest(info: RequestInfo): string {
  if (!info.isResourceRequest) return `${info.verb} path "${info.path}"`;
  const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  const group = info.apiGroup ? ` in API group "${info.apiGroup}"` : '';
  const name = info.name ? ` "${info.name}"` : '';
  const where = info.project
    ? ` in project "${info.project}"`
    : info.workspace
      ? ` in workspace "${info.workspace}"`
      : ' at the platform scope';
  return `${info.verb} ${resource}${name}${group}${where}`;
}

/** The ForbiddenError for a denial, naming what was refused and why. */
export function deniedError(caller: Caller, info: RequestInfo, decision: Decision): ForbiddenError {
  return new ForbiddenError(
    `user "${caller.user.username}" cannot ${describeRequest(info)}${decision.reason ? `: ${decision.reason}` : ''}`,
  );
}

function checked(caller: Caller, info: RequestInfo, decision: Decision, record?: (d: Decision) => void): Decision {
  record?.(decision);
  if (!decision.allowed) throw deniedError(caller, info, decision);
  return decision;
}

/**
 * Asks the authorizer once; a denial becomes ForbiddenError naming what was
 * refused and why.
 * `record` sees every decision, allowed or not, before anything is thrown.
 * Synchronous (throwing) when the authorizer answers synchronously, as the
 * RBAC authorizer does; otherwise a promise (rejecting).
 */
export function authorize(
  authorizer: Authorizer,
  caller: Caller,
  info: RequestInfo,
  record?: (decision: Decision) => void,
): Decision | Promise<Decision> {
  const decision = authorizer.authorize(caller, info);
  if (decision instanceof Promise) return decision.then((d) => checked(caller, info, d, record));
  return checked(caller, info, decision, record);
}
