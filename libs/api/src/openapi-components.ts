import type { JsonSchema } from './plain-schema.js';

/** The Kubernetes `Status` every error response carries. */
export const StatusJsonSchema: JsonSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'status', 'message', 'reason', 'code'],
  properties: {
    apiVersion: { type: 'string', const: 'v1' },
    kind: { type: 'string', const: 'Status' },
    metadata: { type: 'object' },
    status: { type: 'string', enum: ['Failure', 'Success'] },
    message: { type: 'string' },
    reason: { type: 'string', description: 'NotFound, AlreadyExists, Conflict, Invalid, Forbidden, …' },
    code: { type: 'integer' },
    details: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        group: { type: 'string' },
        kind: { type: 'string' },
        retryAfterSeconds: { type: 'integer' },
        causes: {
          type: 'array',
          items: {
            type: 'object',
            properties: { reason: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } },
          },
        },
      },
    },
  },
};

export const ListMetaJsonSchema: JsonSchema = {
  type: 'object',
  properties: {
    resourceVersion: { type: 'string' },
    continue: { type: 'string', description: 'Pass as `continue` to get the next page; absent on the last page.' },
    remainingItemCount: { type: 'integer' },
  },
};

export function listJsonSchema(itemRef: string, apiVersion: string, listKind: string): JsonSchema {
  return {
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'items'],
    properties: {
      apiVersion: { type: 'string', const: apiVersion },
      kind: { type: 'string', const: listKind },
      metadata: { $ref: '#/components/schemas/ListMeta' },
      items: { type: 'array', items: { $ref: itemRef } },
    },
  };
}

/** One line of a `?watch=true` stream. */
export function watchEventJsonSchema(itemRef: string): JsonSchema {
  return {
    type: 'object',
    required: ['type', 'object'],
    properties: {
      type: { type: 'string', enum: ['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR'] },
      object: { $ref: itemRef },
    },
  };
}

export const LIST_PARAMETERS: JsonSchema = {
  labelSelector: {
    name: 'labelSelector',
    in: 'query',
    description: 'Only objects whose labels match, e.g. `app=a,tier in (web)`.',
    schema: { type: 'string' },
  },
  fieldSelector: {
    name: 'fieldSelector',
    in: 'query',
    description: 'Only objects whose fields match, e.g. `metadata.name=x`.',
    schema: { type: 'string' },
  },
  limit: { name: 'limit', in: 'query', description: 'Page size.', schema: { type: 'integer', minimum: 1 } },
  continue: {
    name: 'continue',
    in: 'query',
    description: 'Token from the previous page’s `metadata.continue`.',
    schema: { type: 'string' },
  },
  watch: {
    name: 'watch',
    in: 'query',
    description: 'Stream change events (one JSON WatchEvent per line) instead of returning a list.',
    schema: { type: 'boolean' },
  },
  resourceVersion: {
    name: 'resourceVersion',
    in: 'query',
    description: 'With `watch`, the version to resume from.',
    schema: { type: 'string' },
  },
};
