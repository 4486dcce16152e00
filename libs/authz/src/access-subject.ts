/**
 * What one authorization check is about, flattened into the object CASL
 * conditions are evaluated against. `type` is the CASL subject type: the
 * resource plural, or NON_RESOURCE_TYPE for plain paths.
 */
export interface AccessSubject {
  type: string;
  apiGroup: string;
  subresource: string;
  name: string;
  /** Workspace the object lives in (or is, for Workspaces); '' at platform scope. */
  workspace: string;
  /** Project the object lives in (or is, for Projects); '' outside projects. */
  project: string;
  /** Request path, for non-resource checks. */
  path: string;
}

/** CASL subject type of non-resource URLs; uppercase, so no resource plural can collide. */
export const NON_RESOURCE_TYPE = 'NonResourceURL';
/** CASL's wildcards: `*` verbs and resources compile to these. */
export const ANY_ACTION = 'manage';
export const ANY_SUBJECT = 'all';

export function resourceSubject(fields: Partial<Omit<AccessSubject, 'type'>> & { resource: string }): AccessSubject {
  return {
    type: fields.resource === '*' ? ANY_SUBJECT : fields.resource,
    apiGroup: fields.apiGroup ?? '',
    subresource: fields.subresource ?? '',
    name: fields.name ?? '',
    workspace: fields.workspace ?? '',
    project: fields.project ?? '',
    path: fields.path ?? '',
  };
}

export function nonResourceSubject(path: string): AccessSubject {
  return { type: NON_RESOURCE_TYPE, apiGroup: '', subresource: '', name: '', workspace: '', project: '', path };
}

/** CASL action for a verb; `*` is CASL's `manage`. */
export function actionOf(verb: string): string {
  return verb === '*' ? ANY_ACTION : verb;
}
