import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextRequestId, RequestIdSequence, requestIdFrom } from './request-id.js';

const PREFIX = '0f1e2d3c-4b5a-4968-8776-';

describe(requestIdFrom.name, () => {
  it('echoes a plain client id and replaces anything else', () => {
    assert.equal(requestIdFrom('abc-123'), 'abc-123');
    assert.equal(requestIdFrom(['first', 'second']), 'first');
    for (const hostile of ['a b', 'x\r\ny', 'é', '', 'x'.repeat(129)]) {
      assert.notEqual(requestIdFrom(hostile), hostile);
    }
  });

  it('generates distinct UUID-shaped ids', () => {
    const ids = Array.from({ length: 5_000 }, () => nextRequestId());
    for (const id of ids.slice(0, 50))
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(new Set(ids).size, ids.length);
    assert.match(requestIdFrom(undefined), /^[0-9a-f-]{36}$/);
  });
});

describe(RequestIdSequence.name, () => {
  it('counts the last group up in hex, carrying across digits', () => {
    const ids = new RequestIdSequence(PREFIX, '000000000008');
    assert.deepEqual(
      Array.from({ length: 9 }, () => ids.next()),
      ['9', 'a', 'b', 'c', 'd', 'e', 'f', '10', '11'].map((n) => PREFIX + n.padStart(12, '0')),
    );
    assert.equal(new RequestIdSequence(PREFIX, '0000000fffff').next(), `${PREFIX}000000100000`);
  });

  it('agrees with the number it counts, over a long run', () => {
    const start = 0x12345678;
    const ids = new RequestIdSequence(PREFIX, start.toString(16).padStart(12, '0'));
    for (let n = start + 1; n <= start + 70_000; n++) {
      assert.equal(ids.next(), PREFIX + n.toString(16).padStart(12, '0'));
    }
  });

  it('starts again at zero after the last of 48 bits', () => {
    const ids = new RequestIdSequence(PREFIX, 'fffffffffffe');
    assert.equal(ids.next(), `${PREFIX}ffffffffffff`);
    assert.equal(ids.next(), `${PREFIX}000000000000`);
    assert.equal(ids.next(), `${PREFIX}000000000001`);
  });

  it('refuses a prefix or start that would break the UUID shape', () => {
    assert.throws(() => new RequestIdSequence('not-a-uuid'), /first 24 characters of a lowercase UUID/);
    assert.throws(() => new RequestIdSequence(PREFIX.toUpperCase()), /lowercase UUID/);
    assert.throws(() => new RequestIdSequence(PREFIX, 'xyz'), /12 lowercase hex digits/);
  });
});
