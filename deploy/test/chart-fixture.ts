import { join } from 'node:path';
import { loadChart, renderChart, type KubeManifest } from './chart-template.js';
import { REPO_ROOT } from './repo-root.js';

export const CHART_DIR = join(REPO_ROOT, 'deploy/helm/mortise');
export const RELEASE = { Name: 'console', Namespace: 'mortise-system' };
export const chart = loadChart(CHART_DIR);

/** The chart rendered with its default values (or `values`) for the release `console` in `mortise-system`. */
export function render(values: Record<string, unknown> = chart.values): KubeManifest[] {
  return renderChart(chart, values, RELEASE);
}

export function only(manifests: KubeManifest[], kind: string): KubeManifest {
  const found = manifests.filter((m) => m.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, rendered ${found.length}`);
  return found[0];
}

/** Values as edited field by field in the cases below. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EditableValues = Record<string, any>;

/** A deep copy of the default values with `change` applied, for negative cases. */
export function valuesWith(change: (values: EditableValues) => void): Record<string, unknown> {
  const copy = structuredClone(chart.values);
  change(copy);
  return copy;
}
