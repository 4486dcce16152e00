import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextRequestId, requestIdFrom } from './request-id.js';

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
