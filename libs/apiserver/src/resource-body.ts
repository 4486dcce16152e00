import { BadRequestError, apiVersionOf, type KindDefinition, type Resource } from '@mortise/api';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the envelope of a create or update body against the path:
 * a JSON object of this kind and apiVersion, whose name (if given) is the
 * path's. Missing `apiVersion`/`kind`/name are filled from the path.
 */
export function resourceFromBody(body: unknown, def: KindDefinition, pathName: string): Resource {
  if (!isPlainObject(body)) throw new BadRequestError('request body must be a JSON object');
  const apiVersion = apiVersionOf(def);
  if (body.apiVersion !== undefined && body.apiVersion !== apiVersion) {
    throw new BadRequestError(
      `apiVersion ${JSON.stringify(body.apiVersion)} does not match "${apiVersion}" in the path`,
    );
  }
  if (body.kind !== undefined && body.kind !== def.kind) {
    throw new BadRequestError(`kind ${JSON.stringify(body.kind)} does not match "${def.kind}" served at this path`);
  }
  if (body.metadata !== undefined && !isPlainObject(body.metadata)) {
    throw new BadRequestError('metadata must be a JSON object');
  }
  const metadata = { ...body.metadata };
  if (pathName !== '') {
    if (metadata.name !== undefined && metadata.name !== pathName) {
      throw new BadRequestError(
        `metadata.name ${JSON.stringify(metadata.name)} does not match the name "${pathName}" in the request path`,
      );
    }
    metadata.name = pathName;
  }
  return { ...body, apiVersion, kind: def.kind, metadata } as Resource;
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value);
}
