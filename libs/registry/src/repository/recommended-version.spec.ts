import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recommendedVersion } from './recommended-version.js';

describe('recommendedVersion', () => {
  const versions = [
    { version: '1.0.0', kernel: '>=0.1.0' },
    { version: '1.5.0', kernel: '^0.2.0' },
    { version: '2.0.0', kernel: '>=1.0.0' },
    { version: '0.9.0' },
  ];
  const cases: Array<[string, string | undefined]> = [
    ['0.1.0', '1.0.0'],
    ['0.2.3', '1.5.0'],
    ['1.0.0', '2.0.0'],
    ['0.0.1', '0.9.0'],
    ['0.2.0-rc.1', '1.0.0'],
  ];
  for (const [kernel, expected] of cases) {
    it(`recommends ${String(expected)} to kernel ${kernel}`, () => {
      assert.equal(recommendedVersion(versions, kernel), expected);
    });
  }

  it('recommends nothing when no range accepts the kernel', () => {
    assert.equal(recommendedVersion([{ version: '1.0.0', kernel: '>=5.0.0' }], '0.1.0'), undefined);
  });
});
