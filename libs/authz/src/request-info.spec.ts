import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRequestInfo } from './request-info.js';

describe(resolveRequestInfo.name, () => {
  describe('resource requests', () => {
    const cases: Array<[string, string, Record<string, unknown>]> = [
      ['GET', '/kapis/iam.mortise.io/v1/globalroles', { verb: 'list', resource: 'globalroles', scope: 'global' }],
      [
        'GET',
        '/kapis/iam.mortise.io/v1/globalroles/admin',
        { verb: 'get', resource: 'globalroles', name: 'admin', scope: 'global' },
      ],
      ['GET', '/kapis/iam.mortise.io/v1/globalroles?watch=true&resourceVersion=3', { verb: 'watch', name: '' }],
      ['GET', '/kapis/iam.mortise.io/v1/globalroles?watch=1', { verb: 'list' }],
      ['POST', '/kapis/iam.mortise.io/v1/globalroles', { verb: 'create' }],
      ['PUT', '/kapis/iam.mortise.io/v1/globalroles/a', { verb: 'update', name: 'a' }],
      ['PATCH', '/kapis/iam.mortise.io/v1/globalroles/a', { verb: 'patch' }],
      ['DELETE', '/kapis/iam.mortise.io/v1/globalroles/a', { verb: 'delete' }],
      ['DELETE', '/kapis/iam.mortise.io/v1/globalroles', { verb: 'deletecollection' }],
      [
        'PUT',
        '/kapis/extensions.mortise.io/v1/installplans/x/status',
        { verb: 'update', resource: 'installplans', name: 'x', subresource: 'status' },
      ],
      [
        'GET',
        '/kapis/tenant.mortise.io/v1/workspaces/team-a',
        { verb: 'get', resource: 'workspaces', name: 'team-a', scope: 'global', workspace: 'team-a' },
      ],
      [
        'PUT',
        '/kapis/tenant.mortise.io/v1/workspaces/team-a/status',
        { verb: 'update', resource: 'workspaces', name: 'team-a', subresource: 'status', workspace: 'team-a' },
      ],
      [
        'GET',
        '/kapis/tenant.mortise.io/v1/workspaces/team-a/projects',
        { verb: 'list', resource: 'projects', name: '', scope: 'workspace', workspace: 'team-a' },
      ],
      [
        'DELETE',
        '/kapis/iam.mortise.io/v1/workspaces/team-a/workspacerolebindings/b1',
        { verb: 'delete', resource: 'workspacerolebindings', name: 'b1', scope: 'workspace', workspace: 'team-a' },
      ],
      [
        'GET',
        '/kapis/iam.mortise.io/v1/namespaces/web/roles/viewer',
        { verb: 'get', resource: 'roles', name: 'viewer', scope: 'namespace', project: 'web', workspace: '' },
      ],
      [
        'GET',
        '/kapis/demo.example.io/v1/namespaces/web/widgets?watch=true',
        { verb: 'watch', resource: 'widgets', scope: 'namespace', project: 'web' },
      ],
      ['GET', '/kapis/g.io/v1/things/a%20b', { name: 'a b' }],
      ['get', '/kapis/g.io//v1/namespaces/p//things/', { verb: 'list', resource: 'things', project: 'p' }],
      ['GET', '/kapis/g.io/v1/things/a%E0%A4%A', { name: 'a%E0%A4%A' }],
    ];
    for (const [method, url, expected] of cases) {
      it(`${method} ${url}`, () => {
        const info = resolveRequestInfo(method, url);
        assert.equal(info.isResourceRequest, true);
        assert.equal(info.path, url.split('?')[0]);
        for (const [key, value] of Object.entries(expected)) {
          assert.equal(info[key as keyof typeof info], value, key);
        }
      });
    }
  });

  describe('non-resource requests', () => {
    const cases: Array<[string, string, string]> = [
      ['GET', '/healthz', 'get'],
      ['POST', '/oauth/token?x=1', 'post'],
      ['GET', '/kapis', 'get'],
      ['GET', '/kapis/iam.mortise.io/v1', 'get'],
      ['HEAD', '/kapis/iam.mortise.io', 'head'],
      ['OPTIONS', '/kapis/iam.mortise.io/v1/users', 'options'],
      ['GET', '/kapis/g.io/v1/a/b/c/d', 'get'],
      ['GET', '/kapis/g.io/v1/namespaces/p/a/b/c/d', 'get'],
      ['GET', '/kapis/g.io/v1/workspaces/w/status/a/b', 'get'],
      ['PUT', '/kapis/g.io/v1/things/a/b/c?watch=true', 'put'],
    ];
    for (const [method, url, verb] of cases) {
      it(`${method} ${url}`, () => {
        const info = resolveRequestInfo(method, url);
        assert.equal(info.isResourceRequest, false);
        assert.equal(info.verb, verb);
        assert.equal(info.path, url.split('?')[0]);
        assert.equal(info.resource, '');
      });
    }
  });
});
