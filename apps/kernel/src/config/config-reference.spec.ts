import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CONFIG_SOURCES } from './kernel-config.schema.js';
import { configReference, withConfigReference } from './config-reference.js';

// dist/config/ → the repository root.
const README = new URL('../../../../README.md', import.meta.url);

describe(configReference.name, () => {
  it('has a row for every setting, naming its variable and YAML key', () => {
    const table = configReference();
    for (const { env, yaml } of Object.values(CONFIG_SOURCES)) {
      assert.match(table, new RegExp(`^\\| \`${env}\` \\| \`${yaml}\` \\|`, 'm'));
    }
  });

  it('is what the README shows; after changing a setting run `npm run docs:config`', () => {
    const readme = readFileSync(README, 'utf8');
    assert.equal(readme, withConfigReference(readme), 'the configuration reference in README.md is stale');
  });
});
