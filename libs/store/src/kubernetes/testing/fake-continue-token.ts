import { KubeStatusError } from './fake-kube-types.js';

/**
 * Continue tokens as the real server shapes them: the snapshot's revision
 * and the key to start after. A token older than the retained history is
 * 410 Expired, since the snapshot can no longer be rebuilt.
 */
export function encodeContinue(revision: number, lastName: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: revision, start: `${lastName}\u0000` })).toString(
    'base64url',
  );
}

export function decodeContinue(token: string, compactedRevision: number): { revision: number; after: string } {
  let parsed: { rv?: unknown; start?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    throw new KubeStatusError(400, 'BadRequest', 'continue key is not valid: incorrect encoded start resourceVersion');
  }
  if (typeof parsed.rv !== 'number' || typeof parsed.start !== 'string') {
    throw new KubeStatusError(400, 'BadRequest', 'continue key is not valid');
  }
  if (parsed.rv < compactedRevision) {
    throw new KubeStatusError(
      410,
      'Expired',
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
    );
  }
  const after = parsed.start.endsWith('\u0000') ? parsed.start.slice(0, -1) : parsed.start;
  return { revision: parsed.rv, after };
}
