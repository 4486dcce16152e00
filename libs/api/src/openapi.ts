import { apiVersionOf, type KindDefinition, type Verb } from './kind-definition.js';
import {
  LIST_PARAMETERS,
  ListMetaJsonSchema,
  StatusJsonSchema,
  listJsonSchema,
  watchEventJsonSchema,
} from './openapi-components.js';
import { toPlainSchema, type JsonSchema } from './plain-schema.js';
import { resourcePaths } from './resource-paths.js';

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string };
  tags: { name: string }[];
  /** Path → `parameters` and one operation per HTTP method. */
  paths: Record<string, Record<string, unknown>>;
  components: {
    schemas: Record<string, JsonSchema>;
    parameters: Record<string, JsonSchema>;
    responses: Record<string, JsonSchema>;
    securitySchemes: Record<string, JsonSchema>;
  };
  security: Record<string, string[]>[];
}

/** `iam.mortise.io` + `v1` + `User` → `io.mortise.iam.v1.User`, Kubernetes' naming of definitions. */
export function openApiSchemaName(def: Pick<KindDefinition, 'group' | 'version' | 'kind'>): string {
  return [...def.group.split('.').reverse(), def.version, def.kind].join('.');
}

const ref = (name: string) => `#/components/schemas/${name}`;
const STATUS_RESPONSE = { default: { $ref: '#/components/responses/Status' } };
const PATCH_TYPES = ['application/merge-patch+json', 'application/json-patch+json'];

/**
 * The OpenAPI 3.1 document of the given kinds: a schema per served kind
 * (internal kinds are left out) and every path `resourcePaths` gives it.
 * Schemas keep `writeOnly`/`readOnly`, so clients see that `password` is
 * never returned and `status.secret` cannot be set.
 */
export function buildOpenApiDocument(
  kinds: readonly KindDefinition[],
  info: { title: string; version: string },
): OpenApiDocument {
  const served = kinds.filter((k) => !k.internal);
  const doc: OpenApiDocument = {
    openapi: '3.1.0',
    info: { ...info },
    tags: [...new Set(served.map((k) => k.group))].sort().map((name) => ({ name })),
    paths: {},
    components: {
      schemas: { Status: StatusJsonSchema, ListMeta: ListMetaJsonSchema },
      parameters: {
        ...LIST_PARAMETERS,
        name: { name: 'name', in: 'path', required: true, schema: { type: 'string' } },
        workspace: { name: 'workspace', in: 'path', required: true, schema: { type: 'string' } },
        namespace: {
          name: 'namespace',
          in: 'path',
          required: true,
          description: 'The project.',
          schema: { type: 'string' },
        },
      },
      responses: {
        Status: { description: 'Error', content: { 'application/json': { schema: { $ref: ref('Status') } } } },
      },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    security: [{ bearer: [] }],
  };
  for (const def of served) addKind(doc, def);
  return doc;
}

function addKind(doc: OpenApiDocument, def: KindDefinition): void {
  const name = openApiSchemaName(def);
  doc.components.schemas[name] = toPlainSchema(def.schema);
  doc.components.schemas[`${name}List`] = listJsonSchema(ref(name), apiVersionOf(def), `${def.kind}List`);
  doc.components.schemas[`${name}WatchEvent`] = watchEventJsonSchema(ref(name));
  for (const path of resourcePaths(def)) {
    const scopeParams = pathParams(path.collection);
    const allScopes = path.scope === def.scope ? '' : 'AllScopes';
    const operation = (verb: Verb, suffix = '') => ({
      tags: [def.group],
      operationId: `${verb}${def.kind}${suffix}${allScopes}`,
      ...operationBody(verb, name),
    });
    doc.paths[path.collection] = {
      parameters: scopeParams,
      ...collectionOperations(path.collectionVerbs, operation),
    };
    if (path.item) {
      doc.paths[path.item] = {
        parameters: pathParams(path.item),
        ...itemOperations(path.itemVerbs, (verb) => operation(verb)),
      };
    }
    if (path.status) {
      doc.paths[path.status] = {
        parameters: pathParams(path.status),
        ...itemOperations(path.statusVerbs, (verb) => operation(verb, 'Status')),
      };
    }
  }
}

function pathParams(path: string): JsonSchema[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ $ref: `#/components/parameters/${m[1]}` }));
}

type OperationFor = (verb: Verb) => JsonSchema;

function collectionOperations(verbs: Verb[], operation: OperationFor): Record<string, JsonSchema> {
  const ops: Record<string, JsonSchema> = {};
  // `watch` is `list` with `?watch=true`: one GET operation documents both.
  if (verbs.includes('list') || verbs.includes('watch'))
    ops['get'] = operation(verbs.includes('list') ? 'list' : 'watch');
  if (verbs.includes('create')) ops['post'] = operation('create');
  if (verbs.includes('deletecollection')) ops['delete'] = operation('deletecollection');
  return ops;
}

function itemOperations(verbs: Verb[], operation: OperationFor): Record<string, JsonSchema> {
  const methods: Partial<Record<Verb, string>> = { get: 'get', update: 'put', patch: 'patch', delete: 'delete' };
  const ops: Record<string, JsonSchema> = {};
  for (const verb of verbs) {
    const method = methods[verb];
    if (method) ops[method] = operation(verb);
  }
  return ops;
}

function operationBody(verb: Verb, name: string): JsonSchema {
  const object = { 'application/json': { schema: { $ref: ref(name) } } };
  const ok = (description: string) => ({ description, content: object });
  switch (verb) {
    case 'list':
    case 'watch':
      return {
        parameters: Object.keys(LIST_PARAMETERS).map((p) => ({ $ref: `#/components/parameters/${p}` })),
        responses: {
          '200': {
            description: 'The list, or with `watch=true` a stream of events',
            content: {
              'application/json': { schema: { $ref: ref(`${name}List`) } },
              'application/json;stream=watch': { schema: { $ref: ref(`${name}WatchEvent`) } },
            },
          },
          ...STATUS_RESPONSE,
        },
      };
    case 'create':
      return {
        requestBody: { required: true, content: object },
        responses: { '201': ok('Created'), ...STATUS_RESPONSE },
      };
    case 'update':
      return {
        requestBody: { required: true, content: object },
        responses: { '200': ok('Updated'), ...STATUS_RESPONSE },
      };
    case 'patch':
      return {
        requestBody: {
          required: true,
          content: Object.fromEntries(PATCH_TYPES.map((t) => [t, { schema: { type: 'object' } }])),
        },
        responses: { '200': ok('Patched'), ...STATUS_RESPONSE },
      };
    case 'get':
      return { responses: { '200': ok('The object'), ...STATUS_RESPONSE } };
    case 'delete':
      return { responses: { '200': ok('Deleted, or being deleted while finalizers run'), ...STATUS_RESPONSE } };
    case 'deletecollection':
      return {
        parameters: ['labelSelector', 'fieldSelector'].map((p) => ({ $ref: `#/components/parameters/${p}` })),
        responses: {
          '200': { description: 'Deleted', content: { 'application/json': { schema: { $ref: ref('Status') } } } },
          ...STATUS_RESPONSE,
        },
      };
    default: {
      const unreachable: never = verb;
      return unreachable;
    }
  }
}
