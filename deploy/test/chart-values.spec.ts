import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { KernelConfigSchema } from '@mortise/kernel';
import { CHART_DIR, chart, valuesWith, type EditableValues } from './chart-fixture.js';
import { REPO_ROOT } from './repo-root.js';

const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as {
  properties: { config: { properties: Record<string, Record<string, unknown>> } };
};
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, prefix ? `${prefix}.${key}` : key));
}

/** A schema as JSON, without what only documents it. */
function plain(s: object): unknown {
  return JSON.parse(
    JSON.stringify(s, (key, v: unknown) => (key === 'description' || key === 'x-must-be' ? undefined : v)),
  );
}

describe('deploy/helm/mortise values', () => {
  it('are valid against values.schema.json', () => {
    assert.ok(validate(chart.values), JSON.stringify(validate.errors));
  });

  const wrong: Array<[string, (v: EditableValues) => void]> = [
    ['no replicas', (v) => (v.replicaCount = 0)],
    ['an unknown log level', (v) => (v.config.logLevel = 'loud')],
    ['a memory request that is not a quantity', (v) => (v.resources.requests.memory = '1 GB')],
    ['a misspelt key', (v) => (v.replicas = 3)],
    ['a setting the chart does not pass to the kernel', (v) => (v.config.store = 'memory')],
  ];
  for (const [what, change] of wrong) {
    it(`are refused by the schema with ${what}`, () => {
      assert.equal(validate(valuesWith(change)), false);
    });
  }

  it('check each kernel setting with the kernel configuration schema itself', () => {
    for (const [key, property] of Object.entries(schema.properties.config.properties)) {
      const kernel = KernelConfigSchema.properties[key as keyof typeof KernelConfigSchema.properties];
      assert.ok(kernel, `config.${key} is not a kernel setting`);
      assert.deepEqual(plain(property), plain(kernel), `config.${key} differs from the kernel schema`);
    }
  });

  it('image tag, chart appVersion and the kernel package version agree', () => {
    const version = (
      JSON.parse(readFileSync(join(REPO_ROOT, 'apps/kernel/package.json'), 'utf8')) as { version: string }
    ).version;
    assert.equal(chart.meta.appVersion, version);
    assert.equal((chart.values.image as { tag: string }).tag, version);
  });

  it('are each described in the chart README', () => {
    const readme = readFileSync(join(CHART_DIR, 'README.md'), 'utf8');
    for (const path of leafPaths(chart.values)) assert.ok(readme.includes(`\`${path}\``), `README lacks \`${path}\``);
  });
});
