import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fieldPath } from './validation-causes.js';

describe(fieldPath.name, () => {
  it('turns JSON pointers into Kubernetes field paths', () => {
    const cases: [string, string][] = [
      ['', ''],
      ['/spec/email', 'spec.email'],
      ['/rules/0/verbs/2', 'rules[0].verbs[2]'],
      ['/metadata/annotations/example.com~1note', 'metadata.annotations[example.com/note]'],
      ['/spec/config/a~0b', 'spec.config[a~b]'],
    ];
    for (const [pointer, field] of cases) assert.equal(fieldPath(pointer), field, pointer);
  });
});
