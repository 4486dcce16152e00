import { BadRequestError } from '@mortise/api';

export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  allowWatchBookmarks: boolean;
  timeoutSeconds?: number;
}

function first(value: unknown): string | undefined {
  if (Array.isArray(value)) return first(value[0]);
  return typeof value === 'string' ? value : undefined;
}

function nonNegativeInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw new BadRequestError(`${name} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

/** The Kubernetes list and watch query parameters, checked. */
export function parseListQuery(query: unknown): ListQuery {
  const q = (query ?? {}) as Record<string, unknown>;
  const result: ListQuery = { allowWatchBookmarks: first(q.allowWatchBookmarks) === 'true' };
  const labelSelector = first(q.labelSelector);
  const fieldSelector = first(q.fieldSelector);
  const cont = first(q.continue);
  const resourceVersion = first(q.resourceVersion);
  const limit = nonNegativeInteger('limit', first(q.limit));
  const timeoutSeconds = nonNegativeInteger('timeoutSeconds', first(q.timeoutSeconds));
  if (labelSelector) result.labelSelector = labelSelector;
  if (fieldSelector) result.fieldSelector = fieldSelector;
  if (cont) result.continue = cont;
  if (resourceVersion) result.resourceVersion = resourceVersion;
  if (limit !== undefined && limit > 0) result.limit = limit;
  if (timeoutSeconds !== undefined && timeoutSeconds > 0) result.timeoutSeconds = timeoutSeconds;
  return result;
}
