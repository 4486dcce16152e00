import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';

/** What a template may read: `.Values.*`, `.Release.*`, `.Chart.*`. */
export interface TemplateContext {
  Values: Record<string, unknown>;
  Release: { Name: string; Namespace: string };
  Chart: { Name: string; Version: string; AppVersion: string };
}

const ACTION = /\{\{\s*(.*?)\s*\}\}/g;
// `{{- ` and ` -}}` trim the whitespace (newlines included) on their side, as in Go templates.
const TRIM_BEFORE = /\s*\{\{-\s/g;
const TRIM_AFTER = /\s-\}\}\s*/g;
const EXPRESSION = /^(\.(?:Values|Release|Chart)(?:\.[A-Za-z_][A-Za-z0-9_]*)+)(?:\s*\|\s*(quote|int))?$/;

function lookup(context: TemplateContext, path: string): unknown {
  let value: unknown = context;
  for (const key of path.slice(1).split('.')) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

/**
 * Renders a chart template that keeps to plain substitutions, optionally
 * piped through `quote` or `int`, as Helm would; anything else (control
 * flow, `include`, `toYaml`) is refused so the chart stays checkable without
 * helm. A missing value is an error here, where Helm would print `<no value>`.
 */
export function renderTemplate(text: string, context: TemplateContext, file = 'template'): string {
  return text
    .replace(TRIM_BEFORE, '{{ ')
    .replace(TRIM_AFTER, ' }}')
    .replace(ACTION, (_action, expression: string) => substitute(expression));

  function substitute(expression: string): string {
    const match = EXPRESSION.exec(expression);
    if (!match) throw new Error(`${file}: {{ ${expression} }} is more than a plain substitution`);
    const [, path = '', pipe] = match;
    const value = lookup(context, path);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new Error(`${file}: ${path} is not a value (${JSON.stringify(value)})`);
    }
    if (pipe === 'quote') return JSON.stringify(String(value));
    if (pipe === 'int') return String(Math.trunc(Number(value)));
    return String(value);
  }
}

export interface KubeManifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
}

export interface Chart {
  dir: string;
  meta: { name: string; version: string; appVersion: string };
  values: Record<string, unknown>;
}

export function loadChart(dir: string): Chart {
  return {
    dir,
    meta: parseYaml(readFileSync(join(dir, 'Chart.yaml'), 'utf8')) as Chart['meta'],
    values: parseYaml(readFileSync(join(dir, 'values.yaml'), 'utf8')) as Record<string, unknown>,
  };
}

/** Every `templates/*.yaml` rendered with `values` and parsed, like `helm template`. */
export function renderChart(
  chart: Chart,
  values: Record<string, unknown> = chart.values,
  release = { Name: 'mortise', Namespace: 'mortise-system' },
): KubeManifest[] {
  const context: TemplateContext = {
    Values: values,
    Release: release,
    Chart: { Name: chart.meta.name, Version: chart.meta.version, AppVersion: chart.meta.appVersion },
  };
  const manifests: KubeManifest[] = [];
  const templates = join(chart.dir, 'templates');
  for (const file of readdirSync(templates).sort()) {
    const text = readFileSync(join(templates, file), 'utf8');
    const rendered = renderTemplate(text, context, file);
    if (!file.endsWith('.yaml')) continue;
    for (const document of parseAllDocuments(rendered)) {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`);
      const manifest = document.toJS() as KubeManifest | null;
      if (manifest) manifests.push(manifest);
    }
  }
  return manifests;
}
