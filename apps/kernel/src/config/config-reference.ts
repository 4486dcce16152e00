import {
  CONFIG_SOURCES,
  DEFAULT_CONFIG,
  ENVIRONMENT_ONLY,
  KernelConfigSchema,
  MUST_BE,
  type KernelConfig,
} from './kernel-config.schema.js';

export const CONFIG_REFERENCE_START = '<!-- config-reference:start (npm run docs:config) -->';
export const CONFIG_REFERENCE_END = '<!-- config-reference:end -->';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The configuration reference as a markdown table, generated from the kernel configuration schema. */
export function configReference(): string {
  const rows = ['| variable | `mortise.yaml` key | default | allowed | what |', '| --- | --- | --- | --- | --- |'];
  for (const [variable, what] of Object.entries(ENVIRONMENT_ONLY)) {
    rows.push(`| \`${variable}\` | — | unset | | ${cell(what)} |`);
  }
  for (const key of Object.keys(KernelConfigSchema.properties) as Array<keyof KernelConfig>) {
    const schema = KernelConfigSchema.properties[key] as { description?: string; [MUST_BE]?: string };
    if (!schema.description) {
      throw new Error(`setting ${key} has no description: give it one in kernel-config.schema.ts`);
    }
    const { env, yaml } = CONFIG_SOURCES[key];
    const value = DEFAULT_CONFIG[key];
    const defaultValue =
      value === '' ? 'empty' : `\`${typeof value === 'object' ? JSON.stringify(value) : String(value)}\``;
    rows.push(
      `| \`${env}\` | \`${yaml}\` | ${defaultValue} | ${cell(schema[MUST_BE] ?? '')} | ${cell(schema.description)} |`,
    );
  }
  return rows.join('\n');
}

/** `readme` with the text between the reference markers replaced by the current reference. */
export function withConfigReference(readme: string): string {
  const start = readme.indexOf(CONFIG_REFERENCE_START);
  const end = readme.indexOf(CONFIG_REFERENCE_END);
  if (start < 0 || end < start) {
    throw new Error(`the README needs the markers ${CONFIG_REFERENCE_START} and ${CONFIG_REFERENCE_END}`);
  }
  return `${readme.slice(0, start + CONFIG_REFERENCE_START.length)}\n${configReference()}\n${readme.slice(end)}`;
}
