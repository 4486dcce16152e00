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

/**
 * Asks the authorizer once; a denial becomes ForbiddenError naming what was
 * refused and why.
 * `record` sees every decision, allowed or not, before anything is thrown.
 */
export async function authorize(
  authorizer: Authorizer,
  caller: Caller,
  info: RequestInfo,
  record?: (decision: Decision) => void,
): Promise<Decision> {
  const decision = await authorizer.authorize(caller, info);
  record?.(decision);
  if (!decision.allowed) {
    throw new ForbiddenError(
      `user "${caller.user.username}" cannot ${describeRequest(info)}${decision.reason ? `: ${decision.reason}` : ''}`,
    );
  }
  return decision;
}
