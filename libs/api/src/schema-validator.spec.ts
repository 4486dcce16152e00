import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidError } from './errors.js';
import { compileSchemaValidator, compiledSchemaCount } from './schema-validator.js';
import { ExtensionManifestSchema } from './kinds/extensions/extension.kind.js';

describe(compileSchemaValidator.name, () => {
  const configSchema = {
    type: 'object',
    required: ['replicas'],
    properties: { replicas: { type: 'integer', minimum: 1 }, mode: { anyOf: [{ const: 'a' }, { const: 'b' }] } },
    additionalProperties: false,
  };

  it('validates an extension config with field paths under a prefix, without pruning', () => {
    const validate = compileSchemaValidator(configSchema, 'InstallPlan "demo" config', 'spec.config');
    validate({ replicas: 2, mode: 'a' });
    assert.throws(
      () => validate({ replicas: 0, extra: true }),
      (err: unknown) => {
        assert.ok(err instanceof InvalidError);
        assert.deepEqual(
          err.details?.causes?.map((c) => c.field),
          ['spec.config.extra', 'spec.config.replicas'],
        );
        assert.match(err.message, /^InstallPlan "demo" config is invalid: /);
        return true;
      },
    );
  });

  it('checks an extension manifest against the TypeBox schema', () => {
    const validate = compileSchemaValidator(ExtensionManifestSchema, 'extension.yaml');
    validate({ name: 'demo', version: '1.0.0', entries: [{ any: 'thing' }] });
    assert.throws(() => validate({ name: 'Demo', version: '' }), InvalidError);
  });

  it('refuses a broken schema with InvalidError', () => {
    assert.throws(() => compileSchemaValidator({ type: 'nope' }, 'config schema'), InvalidError);
  });

  it('compiles equal schemas given as new objects once (a configSchema read from the store per install)', () => {
    const schema = () => ({ type: 'object', properties: { sizeUnderTest: { type: 'integer', minimum: 7 } } });
    compileSchemaValidator(schema(), 'config')({ sizeUnderTest: 7 });
    const count = compiledSchemaCount();
    const again = compileSchemaValidator(schema(), 'config');
    assert.equal(compiledSchemaCount(), count);
    again({ sizeUnderTest: 8 });
    assert.throws(() => again({ sizeUnderTest: 6 }), InvalidError);
  });

  it('keeps a bounded number of schemas by content and still validates evicted ones', () => {
    const schema = (i: number) => ({ type: 'object', properties: { [`field${i}`]: { type: 'integer', maximum: i } } });
    for (let i = 0; i < 300; i++) compileSchemaValidator(schema(i), 'config');
    assert.ok(compiledSchemaCount() <= 256, `${compiledSchemaCount()} schemas kept`);
    const first = compileSchemaValidator(schema(0), 'config');
    first({ field0: 0 });
    assert.throws(() => first({ field0: 1 }), InvalidError);
  });
});
