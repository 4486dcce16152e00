import jsonPatch from 'fast-json-patch';
import { BadRequestError, InvalidError, type Resource } from '@mortise/api';
import type { Patch } from './resource-store.js';
import { cloneJson } from './object-lifecycle.js';

/** fast-json-patch error names that mean "this patch does not fit this object" rather than "this patch is malformed". */
const DOES_NOT_APPLY = new Set([
  'TEST_OPERATION_FAILED',
  'OPERATION_PATH_UNRESOLVABLE',
  'OPERATION_FROM_UNRESOLVABLE',
  'OPERATION_PATH_CANNOT_ADD',
  'OPERATION_VALUE_OUT_OF_BOUNDS',
  'OPERATION_PATH_ILLEGAL_ARRAY_INDEX',
]);

/**
 * Applies a JSON merge patch (RFC 7386) or a JSON patch (RFC 6902) to a copy
 * of `object`. A patch that cannot apply to this object (a failing `test`, a
 * missing path) is InvalidError (422); a malformed patch is BadRequestError.
 */
export function applyPatch(object: Resource, patch: Patch): Resource {
  switch (patch.type) {
    case 'merge':
      if (!isPlainObject(patch.patch)) throw new BadRequestError('a merge patch must be a JSON object');
      return mergePatch(object, patch.patch) as Resource;
    case 'json':
      return applyJsonPatch(object, patch.patch);
    default: {
      const unreachable: never = patch;
      throw new BadRequestError(`unsupported patch type ${(unreachable as { type: string }).type}`);
    }
  }
}

function applyJsonPatch(object: Resource, operations: unknown): Resource {
  if (!Array.isArray(operations)) throw new BadRequestError('a JSON patch must be an array of operations');
  try {
    const document = cloneJson(object);
    return jsonPatch.applyPatch(document, operations as jsonPatch.Operation[], true, true, true).newDocument;
  } catch (error) {
    if (error instanceof jsonPatch.JsonPatchError) {
      const operation = error.operation as { op?: unknown; path?: unknown } | undefined;
      const path = typeof operation?.path === 'string' ? operation.path : undefined;
      const op = typeof operation?.op === 'string' ? operation.op : '?';
      const detail = `JSON patch operation ${error.index ?? '?'} (${op} ${path ?? ''})`;
      if (DOES_NOT_APPLY.has(error.name)) {
        throw new InvalidError(
          `${detail} does not apply: ${error.name === 'TEST_OPERATION_FAILED' ? 'test failed' : 'path not found'}`,
          {
            causes: [{ reason: 'FieldValueInvalid', field: path, message: error.name }],
          },
        );
      }
      throw new BadRequestError(`${detail} is malformed: ${error.name}`);
    }
    throw new BadRequestError(`JSON patch failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** RFC 7386: objects merge recursively, `null` removes, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return cloneJson(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
