import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildOpenApiDocument, openApiSchemaName } from './openapi.js';
import { kernelKinds } from './kinds/kernel-kinds.js';
import { UserKind } from './kinds/iam/user.kind.js';
import type { JsonSchema } from './plain-schema.js';

const doc = buildOpenApiDocument(kernelKinds, { title: 'Mortise', version: '0.1.0' });
const methods = (path: string) =>
  Object.keys(doc.paths[path] ?? {})
    .filter((k) => k !== 'parameters')
    .sort();

describe(buildOpenApiDocument.name, () => {
  it('is an OpenAPI 3.1 document with the Status schema for errors', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.info, { title: 'Mortise', version: '0.1.0' });
    assert.ok(doc.components.schemas['Status']);
    const get = doc.paths['/kapis/iam.mortise.io/v1/users/{name}']?.['get'] as JsonSchema;
    assert.deepEqual((get['responses'] as JsonSchema)['default'], { $ref: '#/components/responses/Status' });
  });

  it('serves global kinds only at the global path, with status when the kind has it', () => {
    assert.deepEqual(methods('/kapis/iam.mortise.io/v1/users'), ['delete', 'get', 'post']);
    assert.deepEqual(methods('/kapis/iam.mortise.io/v1/users/{name}'), ['delete', 'get', 'patch', 'put']);
    assert.deepEqual(methods('/kapis/iam.mortise.io/v1/users/{name}/status'), ['get', 'patch', 'put']);
    assert.equal(doc.paths['/kapis/iam.mortise.io/v1/globalroles/{name}/status'], undefined);
    assert.equal(doc.paths['/kapis/iam.mortise.io/v1/workspaces/{workspace}/users'], undefined);
  });

  it('serves workspace and project kinds at their scope, and lists them across scopes globally', () => {
    assert.deepEqual(methods('/kapis/tenant.mortise.io/v1/workspaces/{workspace}/projects'), ['delete', 'get', 'post']);
    assert.deepEqual(methods('/kapis/tenant.mortise.io/v1/workspaces/{workspace}/projects/{name}'), [
      'delete',
      'get',
      'patch',
      'put',
    ]);
    assert.deepEqual(methods('/kapis/tenant.mortise.io/v1/projects'), ['get']);
    assert.deepEqual(methods('/kapis/iam.mortise.io/v1/namespaces/{namespace}/rolebindings/{name}'), [
      'delete',
      'get',
      'patch',
      'put',
    ]);
    assert.equal(doc.paths['/kapis/iam.mortise.io/v1/rolebindings/{name}'], undefined);
  });

  it('documents the list query parameters', () => {
    const list = doc.paths['/kapis/iam.mortise.io/v1/users']?.['get'] as { parameters: { $ref: string }[] };
    assert.deepEqual(
      list.parameters.map((p) => p.$ref.split('/').pop()),
      ['labelSelector', 'fieldSelector', 'limit', 'continue', 'watch', 'resourceVersion'],
    );
  });

  it('has only resolvable $refs and unique operation ids', () => {
    const refs = new Set<string>();
    const operationIds: string[] = [];
    JSON.stringify(doc, (key, value: unknown) => {
      if (key === '$ref') refs.add(value as string);
      if (key === 'operationId') operationIds.push(value as string);
      return value;
    });
    for (const target of refs) {
      const [, section, name] = /^#\/components\/(\w+)\/(.+)$/.exec(target) ?? [];
      const components = doc.components as unknown as Record<string, Record<string, unknown>>;
      assert.ok(section && name && components[section]?.[name], `unresolved ${target}`);
    }
    assert.equal(new Set(operationIds).size, operationIds.length);
    assert.ok(operationIds.includes('listRoleAllScopes'));
  });

  it('leaves internal kinds out entirely', () => {
    const text = JSON.stringify(doc);
    for (const def of kernelKinds.filter((k) => k.internal)) {
      assert.equal(doc.components.schemas[openApiSchemaName(def)], undefined, def.kind);
      assert.equal(text.includes(`/${def.plural}`), false, def.kind);
    }
    assert.ok(kernelKinds.some((k) => k.internal));
  });

  it('marks the user password write-only and strips TypeBox internals', () => {
    const user = doc.components.schemas[openApiSchemaName(UserKind)];
    const spec = (user['properties'] as Record<string, JsonSchema>)['spec'];
    const password = (spec?.['properties'] as Record<string, JsonSchema>)['password'];
    assert.equal(password?.['writeOnly'], true);
    assert.equal(JSON.stringify(user).includes('$id'), false);
    assert.equal(Object.getOwnPropertySymbols(user).length, 0);
  });
});
