import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateLabels, validateObjectName } from './object-name.js';

describe('validateObjectName', () => {
  it('accepts DNS-1123 labels and refuses uppercase, underscores and long names', () => {
    assert.deepEqual(validateObjectName('team-a1', 'dns1123-label'), []);
    assert.equal(validateObjectName('Team', 'dns1123-label').length, 1);
    assert.equal(validateObjectName('a_b', 'dns1123-label').length, 1);
    assert.equal(validateObjectName('a'.repeat(64), 'dns1123-label').length, 1);
    assert.equal(validateObjectName('-a', 'dns1123-label').length, 1);
  });

  it('accepts dotted subdomains but not empty segments', () => {
    assert.deepEqual(validateObjectName('a.b-c.d', 'dns1123-subdomain'), []);
    assert.equal(validateObjectName('a..b', 'dns1123-subdomain').length, 1);
  });
});

describe('validateLabels', () => {
  it('checks prefixed keys and values', () => {
    assert.deepEqual(validateLabels({ 'mortise.io/workspace': 'team-a', app: '' }), []);
    const causes = validateLabels({ 'Bad_Prefix/x': 'v', ok: 'has space' });
    assert.equal(causes.length, 2);
    assert.equal(causes[0]?.field, 'metadata.labels[Bad_Prefix/x]');
  });
});
