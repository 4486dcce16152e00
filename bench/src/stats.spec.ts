import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { interquartile, median, quantile } from './stats.js';

describe('bench stats', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    assert.equal(median([9, 1, 5]), 5);
  });

  it('averages the two middle values of an even count', () => {
    assert.equal(median([0.58, 0.9, 0.65, 0.87, 0.73, 0.87]), 0.8);
  });

  it('interpolates quantiles and reports the interquartile range', () => {
    assert.equal(quantile([10, 20, 30, 40, 50], 0.1), 14);
    assert.deepEqual(interquartile([1, 2, 3, 4, 5]), [2, 4]);
  });

  it('has no median of nothing', () => {
    assert.ok(Number.isNaN(median([])));
  });
});
