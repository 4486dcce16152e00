import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestKernel, type TestKernel } from '../testing/kernel-fixture.js';

const ROLES = '/kapis/iam.mortise.io/v1/globalroles';
const role = (name: string) => ({
  apiVersion: 'iam.mortise.io/v1',
  kind: 'GlobalRole',
  metadata: { name },
  rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['get'] }],
});

describe('bad input', () => {
  let k: TestKernel;
  let baseline: string;

  before(async () => {
    k = await startTestKernel({ config: { bodyLimit: 4096 } });
    assert.equal((await k.call('POST', ROLES, { body: role('existing') })).status, 201);
    baseline = (await k.call('GET', ROLES)).text;
  });
  after(() => k.close());

  const cases: Array<{
    name: string;
    method: string;
    path: string;
    code: number;
    reason: string;
    options: Parameters<TestKernel['call']>[2];
  }> = [
    {
      name: 'malformed JSON',
      method: 'POST',
      path: ROLES,
      code: 400,
      reason: 'BadRequest',
      options: { raw: '{"metadata": {' },
    },
    { name: 'a JSON array body', method: 'POST', path: ROLES, code: 400, reason: 'BadRequest', options: { body: [1] } },
    {
      name: 'a schema violation',
      method: 'POST',
      path: ROLES,
      code: 422,
      reason: 'Invalid',
      options: { body: { ...role('bad'), rules: [{ verbs: 'get' }] } },
    },
    {
      name: 'an invalid name',
      method: 'POST',
      path: ROLES,
      code: 422,
      reason: 'Invalid',
      options: { body: role('Not_A_Name') },
    },
    {
      name: 'an unknown kind',
      method: 'POST',
      path: '/kapis/iam.mortise.io/v1/gadgets',
      code: 404,
      reason: 'NotFound',
      options: { body: role('g') },
    },
    {
      name: 'a name in the body other than the path',
      method: 'PUT',
      path: `${ROLES}/existing`,
      code: 400,
      reason: 'BadRequest',
      options: { body: role('someone-else') },
    },
    {
      name: 'a kind in the body other than the path',
      method: 'POST',
      path: ROLES,
      code: 400,
      reason: 'BadRequest',
      options: { body: { ...role('k'), kind: 'Workspace' } },
    },
    {
      name: 'a body over the limit',
      method: 'POST',
      path: ROLES,
      code: 413,
      reason: 'RequestEntityTooLarge',
      options: { body: { ...role('huge'), metadata: { name: 'huge', annotations: { a: 'x'.repeat(8192) } } } },
    },
    {
      name: 'an unsupported media type',
      method: 'POST',
      path: ROLES,
      code: 415,
      reason: 'UnsupportedMediaType',
      options: { raw: 'name: x', contentType: 'application/yaml' },
    },
    {
      name: 'a PATCH sent as application/json',
      method: 'PATCH',
      path: `${ROLES}/existing`,
      code: 415,
      reason: 'UnsupportedMediaType',
      options: { body: { metadata: { labels: { a: 'b' } } } },
    },
    {
      name: 'a strategic merge patch',
      method: 'PATCH',
      path: `${ROLES}/existing`,
      code: 415,
      reason: 'UnsupportedMediaType',
      options: { body: { metadata: { labels: { a: 'b' } } }, contentType: 'application/strategic-merge-patch+json' },
    },
    {
      name: 'a JSON patch that is not an array',
      method: 'PATCH',
      path: `${ROLES}/existing`,
      code: 400,
      reason: 'BadRequest',
      options: { body: { op: 'add' }, contentType: 'application/json-patch+json' },
    },
    {
      name: 'a stale resourceVersion',
      method: 'PUT',
      path: `${ROLES}/existing`,
      code: 409,
      reason: 'Conflict',
      options: { body: { ...role('existing'), metadata: { name: 'existing', resourceVersion: '0' } } },
    },
    {
      name: 'a POST to a named object',
      method: 'POST',
      path: `${ROLES}/existing`,
      code: 405,
      reason: 'MethodNotAllowed',
      options: { body: role('existing') },
    },
  ];

  for (const c of cases) {
    it(`answers ${c.name} with ${c.code} ${c.reason} and changes nothing`, async () => {
      const res = await k.call(c.method, c.path, c.options);
      assert.equal(res.status, c.code, res.text);
      assert.equal(res.body.kind, 'Status');
      assert.equal(res.body.status, 'Failure');
      assert.equal(res.body.code, c.code);
      assert.equal(res.body.reason, c.reason);
      assert.equal((await k.call('GET', ROLES)).text, baseline);
    });
  }

  it('names the offending fields of a schema violation', async () => {
    const res = await k.call('POST', ROLES, { body: { ...role('bad'), rules: [{ verbs: [] }] } });
    assert.equal(res.status, 422);
    const fields = res.body.details.causes.map((c: { field: string }) => c.field);
    assert.ok(
      fields.some(
        (f: string) => f.startsWith('rules[0].verbs') || f.startsWith('rules.0.verbs') || f.includes('verbs'),
      ),
      fields.join(),
    );
  });
});
