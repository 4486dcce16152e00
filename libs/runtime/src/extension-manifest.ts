import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { EntrySchema, InvalidError, PolicyRuleSchema, compileSchemaValidator, type StatusCause } from '@mortise/api';
import { parse } from 'yaml';

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const GROUP = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$';

export const DeclaredKindSchema = Type.Object({
  kind: Type.String({ pattern: '^[A-Z][A-Za-z0-9]*$' }),
  plural: Type.String({ pattern: DNS_LABEL }),
  singular: Type.Optional(Type.String({ pattern: DNS_LABEL })),
  scope: Type.Union([Type.Literal('global'), Type.Literal('workspace'), Type.Literal('namespace')]),
  /** JSON Schema (structural subset) of `spec`. */
  spec: Type.Optional(Type.Object({}, { additionalProperties: true })),
  /** JSON Schema of `status`; when present, `status` is a subresource. */
  status: Type.Optional(Type.Object({}, { additionalProperties: true })),
});

export const RoleTemplateDeclarationSchema = Type.Object({
  name: Type.String({ pattern: DNS_LABEL }),
  displayName: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  /** Built-in roles that aggregate this template, e.g. `project-admin`. */
  aggregateTo: Type.Optional(Type.Array(Type.String())),
  rules: Type.Array(PolicyRuleSchema, { minItems: 1 }),
});

/** The parts of `extension.yaml` the in-process runtime reads; other fields are kept for other readers. */
export const RuntimeManifestSchema = Type.Object(
  {
    name: Type.String({ pattern: DNS_LABEL, maxLength: 63 }),
    version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+([-+][0-9A-Za-z.-]+)?$' }),
    displayName: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    backend: Type.Object({
      /** ESM entry whose default export is `defineExtension(...)`, relative to the package root. */
      module: Type.String({ minLength: 1 }),
      /** The API group the extension owns. */
      group: Type.String({ pattern: GROUP }),
      apiVersion: Type.Optional(Type.String({ pattern: '^v[0-9]+((alpha|beta)[0-9]+)?$' })),
      /** Per-request deadline; default 30. */
      timeoutSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 3600 })),
    }),
    resources: Type.Optional(Type.Array(DeclaredKindSchema)),
    roleTemplates: Type.Optional(Type.Array(RoleTemplateDeclarationSchema)),
    entries: Type.Optional(Type.Array(EntrySchema)),
    /** Frontend bundles; `file` ones are served from the package under `/dist/{name}/`. */
    jsBundles: Type.Optional(
      Type.Array(Type.Object({ name: Type.String({ pattern: DNS_LABEL }) }, { additionalProperties: true })),
    ),
    configSchema: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: true },
);

export type RuntimeManifest = Static<typeof RuntimeManifestSchema>;
export type DeclaredKind = Static<typeof DeclaredKindSchema>;
export type RoleTemplateDeclaration = Static<typeof RoleTemplateDeclarationSchema>;

export const MANIFEST_FILE = 'extension.yaml';

/** Parses and checks a manifest; throws InvalidError whose causes name the fields to fix. */
export function parseManifest(text: string, source = MANIFEST_FILE): RuntimeManifest {
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    throw new InvalidError(`${source} is not valid YAML: ${(err as Error).message}`);
  }
  compileSchemaValidator(RuntimeManifestSchema, source)(data);
  const manifest = data as RuntimeManifest;
  const causes = duplicateCauses(manifest);
  if (causes.length > 0) {
    throw new InvalidError(`${source} is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`, {
      causes,
    });
  }
  return manifest;
}

export async function readManifest(directory: string): Promise<RuntimeManifest> {
  const path = join(directory, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InvalidError(`no ${MANIFEST_FILE} in ${directory}; an extension package has one at its root`);
  }
  return parseManifest(text, path);
}

function duplicateCauses(manifest: RuntimeManifest): StatusCause[] {
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  for (const [i, kind] of (manifest.resources ?? []).entries()) {
    for (const key of [`kind:${kind.kind}`, `plural:${kind.plural}`]) {
      if (seen.has(key)) {
        causes.push({
          reason: 'FieldValueDuplicate',
          field: `resources[${i}]`,
          message: `${key.replace(':', ' "')}" is declared twice`,
        });
      }
      seen.add(key);
    }
  }
  return causes;
}
