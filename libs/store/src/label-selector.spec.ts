import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '@mortise/api';
import { compileLabelSelector } from './label-selector.js';

describe(compileLabelSelector.name, () => {
  it('accepts prefixed keys, empty values and loose spacing', () => {
    const matches = compileLabelSelector(' app.kubernetes.io/name = web , tier in ( a , b ) , empty= ');
    assert.equal(matches({ 'app.kubernetes.io/name': 'web', tier: 'b', empty: '' }), true);
    assert.equal(matches({ 'app.kubernetes.io/name': 'web', tier: 'c', empty: '' }), false);
    assert.equal(matches(undefined), false);
  });

  it('treats inherited object properties as absent labels', () => {
    assert.equal(compileLabelSelector('constructor')({}), false);
    assert.equal(compileLabelSelector('!toString')({}), true);
  });

  it('names the malformed part', () => {
    assert.throws(
      () => compileLabelSelector('a=b,c in (x'),
      (error: unknown) => {
        assert.ok(error instanceof BadRequestError);
        assert.match(error.message, /unbalanced parentheses/);
        return true;
      },
    );
    assert.throws(() => compileLabelSelector('Bad_Prefix/x=y'), BadRequestError);
  });
});
