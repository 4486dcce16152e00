import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { crdSchema, toCustomResourceDefinition } from './crd.js';
import { checkStructural } from './structural-schema.js';
import { kernelKinds } from './kinds/kernel-kinds.js';
import { UserKind } from './kinds/iam/user.kind.js';
import { GlobalRoleKind } from './kinds/iam/role.kind.js';
import { toPlainSchema, type JsonSchema } from './plain-schema.js';

/** The sub-schema at `path` (property names separated by dots). */
function at(schema: JsonSchema, path: string): JsonSchema {
  return path.split('.').reduce((node, key) => node[key] as JsonSchema, schema);
}

describe('checkStructural', () => {
  it('passes every kernel kind', () => {
    for (const def of kernelKinds) {
      assert.deepEqual(checkStructural(crdSchema(def)), [], `${def.kind} is not structural`);
    }
  });

  it('finds $ref, missing types, properties beside additionalProperties and TypeBox-only keywords', () => {
    const violations = checkStructural({
      type: 'object',
      properties: {
        a: { $ref: '#/defs/x' },
        b: { type: 'object', properties: { c: { type: 'string' } }, additionalProperties: { type: 'string' } },
        d: { type: 'string', const: 'x' },
        e: { type: 'array' },
        f: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        g: { type: 'string', anyOf: [{ type: 'string' }] },
      },
    });
    assert.deepEqual(
      violations.map((v) => v.path),
      ['.properties.a', '.properties.a', '.properties.b', '.properties.d', '.properties.e', '.properties.g.anyOf[0]'],
    );
  });

  it('refuses the raw User schema (write-only password) but not its CRD form', () => {
    const raw = checkStructural(toPlainSchema(UserKind.schema));
    assert.deepEqual(raw, [
      { path: '.properties.spec.properties.password', message: 'keyword "writeOnly" is not allowed in a CRD schema' },
    ]);
  });
});

describe('toCustomResourceDefinition', () => {
  it('describes a namespaced kind with a status subresource and no write-only fields', () => {
    const crd = toCustomResourceDefinition(UserKind);
    assert.equal(crd.metadata.name, 'users.iam.mortise.io');
    assert.deepEqual(crd.spec.names, {
      kind: 'User',
      listKind: 'UserList',
      plural: 'users',
      singular: 'user',
      categories: ['mortise'],
    });
    assert.equal(crd.spec.scope, 'Namespaced');
    const [version] = crd.spec.versions;
    assert.equal(version?.name, 'v1');
    assert.deepEqual(version?.subresources, { status: {} });
    const schema = version.schema.openAPIV3Schema;
    assert.deepEqual(at(schema, 'properties.metadata'), { type: 'object' });
    assert.deepEqual(schema['required'], ['spec']);
    assert.equal('password' in at(schema, 'properties.spec.properties'), false);
    assert.equal(at(schema, 'properties.spec.properties.email')['type'], 'string');
    assert.equal(JSON.stringify(schema).includes('$id'), false);
  });

  it('keeps RBAC fields top-level and omits the status subresource for roles', () => {
    const crd = toCustomResourceDefinition(GlobalRoleKind);
    const schema = crd.spec.versions[0].schema.openAPIV3Schema;
    assert.equal(crd.spec.versions[0].subresources, undefined);
    assert.equal(at(schema, 'properties.rules.items.properties.verbs')['type'], 'array');
    assert.deepEqual(at(schema, 'properties.rules.items')['required'], ['verbs']);
  });
});
