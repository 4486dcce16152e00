import { compileFieldSelector } from '../field-selector.js';
import { compileLabelSelector } from '../label-selector.js';
import { STORE_LABEL, nameLabelValue } from './kube-object-mapping.js';

export interface Selection {
  scope?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** A label no object carries: requiring it selects nothing. */
const NOTHING = 'store.mortise.io/nothing';

const FIELD_LABELS: Record<string, { key: string; value: (v: string) => string }> = {
  'metadata.name': { key: STORE_LABEL.name, value: nameLabelValue },
  'metadata.namespace': { key: STORE_LABEL.project, value: (v) => v },
  'metadata.workspace': { key: STORE_LABEL.workspace, value: (v) => v },
};

/**
 * One Kubernetes label selector for a Mortise selection, so the API server
 * filters and pages (limit/continue stay exact). Scope and the field
 * selectors the store supports become requirements on the store-owned
 * labels; the caller's label selector passes through once checked with the
 * store's own parsers, so malformed input fails the same way on every backend.
 */
export function toKubeLabelSelector(kindSelector: readonly string[], selection: Selection): string {
  compileLabelSelector(selection.labelSelector);
  compileFieldSelector(selection.fieldSelector);
  const requirements = [...kindSelector];
  if (selection.scope !== undefined) requirements.push(...equals(STORE_LABEL.scope, selection.scope));
  if (selection.labelSelector?.trim()) requirements.push(selection.labelSelector.trim());
  for (const term of (selection.fieldSelector ?? '').split(',')) {
    const match = /^\s*([A-Za-z.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!match) continue;
    const field = FIELD_LABELS[match[1]];
    const value = match[3].trim();
    requirements.push(
      ...(match[2] === '!=' ? differs(field.key, value, field.value) : equals(field.key, value, field.value)),
    );
  }
  return requirements.join(',');
}

function equals(key: string, value: string, toLabel: (v: string) => string = (v) => v): string[] {
  if (value === '') return [`!${key}`];
  const label = toLabel(value);
  return LABEL_VALUE.test(label) && label.length <= 63 ? [`${key}=${label}`] : [NOTHING];
}

function differs(key: string, value: string, toLabel: (v: string) => string): string[] {
  if (value === '') return [key];
  const label = toLabel(value);
  return LABEL_VALUE.test(label) && label.length <= 63 ? [`${key}!=${label}`] : [];
}
