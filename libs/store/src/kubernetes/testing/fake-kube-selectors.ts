import { compileLabelSelector } from '../../label-selector.js';
import { KubeStatusError, type KubeObject } from './fake-kube-types.js';

/** Label selectors with the store's parser; a malformed one is the server's 400 BadRequest. */
export function labelMatcher(selector: string | undefined): (labels: Record<string, string>) => boolean {
  try {
    return compileLabelSelector(selector);
  } catch (err) {
    throw new KubeStatusError(400, 'BadRequest', `unable to parse requirement: ${(err as Error).message}`);
  }
}

/** Custom resources support only `metadata.name` and `metadata.namespace` field selectors. */
export function fieldMatcher(selector: string | undefined): (object: KubeObject) => boolean {
  const terms = (selector ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((term) => {
      const match = /^([^!=]+)(==|=|!=)(.*)$/.exec(term);
      if (!match) throw new KubeStatusError(400, 'BadRequest', `invalid field selector: "${term}"`);
      const field = match[1].trim();
      if (field !== 'metadata.name' && field !== 'metadata.namespace') {
        throw new KubeStatusError(400, 'BadRequest', `field label not supported: ${field}`);
      }
      return { field, negate: match[2] === '!=', value: match[3].trim() };
    });
  return (object) =>
    terms.every(({ field, negate, value }) => {
      const actual = field === 'metadata.name' ? object.metadata?.name : object.metadata?.namespace;
      return (actual === value) !== negate;
    });
}
