import type { Resource } from '@mortise/api';
import { compileFieldSelector } from './field-selector.js';
import { compileLabelSelector } from './label-selector.js';
import { scopeOf } from './resource-store.js';

export interface SelectionOptions {
  scope?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** One predicate for scope, label and field selection, shared by list and watch. Throws BadRequestError when malformed. */
export function compileSelection(options: SelectionOptions): (object: Resource) => boolean {
  const labels = compileLabelSelector(options.labelSelector);
  const fields = compileFieldSelector(options.fieldSelector);
  const scope = options.scope;
  return (object) =>
    (scope === undefined || scopeOf(object) === scope) && labels(object.metadata.labels) && fields(object);
}
