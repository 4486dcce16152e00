import { BadRequestError, type Resource } from '@mortise/api';

/** A compiled field selector over the object fields every kind supports. */
export type FieldMatcher = (object: Pick<Resource, 'metadata'>) => boolean;

const FIELDS: Record<string, (object: Pick<Resource, 'metadata'>) => string> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
  'metadata.workspace': (o) => o.metadata.workspace ?? '',
};
const REQUIREMENT = /^([A-Za-z.]+)\s*(==|=|!=)\s*(.*)$/;

/**
 * Compiles a field selector: `metadata.name`, `metadata.namespace` and
 * `metadata.workspace` with `=`, `==`, `!=`, comma-separated and all required.
 * An absent namespace or workspace compares as the empty string, as in Kubernetes.
 */
export function compileFieldSelector(selector: string | undefined): FieldMatcher {
  if (selector === undefined || selector.trim() === '') return () => true;
  const requirements = selector.split(',').map((raw): FieldMatcher => {
    const part = raw.trim();
    const match = REQUIREMENT.exec(part);
    if (!match) throw new BadRequestError(`invalid field selector "${part}": expected field=value or field!=value`);
    const read = FIELDS[match[1]];
    if (!read) {
      throw new BadRequestError(`field selector "${match[1]}" is not supported; use ${Object.keys(FIELDS).join(', ')}`);
    }
    const value = match[3].trim();
    return match[2] === '!=' ? (o) => read(o) !== value : (o) => read(o) === value;
  });
  return (object) => requirements.every((matches) => matches(object));
}
