import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundError } from './errors.js';
import { GroupDispatcherRegistry, type GroupDispatcher } from './group-dispatch.js';
import { KindRegistry } from './kind-registry.js';
import { UserKind } from './kinds/iam/user.kind.js';
import { nonResourceRequestInfo, type RequestInfo } from './request-context.js';

const GROUP = 'widgets.example.com';
const dispatcher = (name: string): GroupDispatcher => ({ name, dispatch: () => undefined });

function resource(fields: Partial<RequestInfo>): RequestInfo {
  return {
    ...nonResourceRequestInfo('', 'GET'),
    isResourceRequest: true,
    verb: 'list',
    apiGroup: GROUP,
    apiVersion: 'v1',
    scope: 'workspace',
    workspace: 'open',
    ...fields,
    path: `/kapis/${GROUP}/v1/workspaces/${fields.workspace ?? 'open'}/${fields.resource ?? ''}${fields.subresource ? `/x/${fields.subresource}` : ''}`,
  };
}

function registry() {
  const kinds = new KindRegistry();
  kinds.register({ ...UserKind, group: GROUP, kind: 'Widget', plural: 'widgets', singular: 'widget' });
  const dispatchers = new GroupDispatcherRegistry(kinds);
  const extension = dispatcher('extension/widgets');
  const proxy = dispatcher('reverseproxy');
  dispatchers.set(GROUP, extension);
  dispatchers.setPathPrefix('/proxy/', proxy);
  dispatchers.addGuard((info) => {
    if (info.workspace === 'closed') throw new NotFoundError('not enabled in workspace "closed"');
  });
  return { dispatchers, extension, proxy };
}

describe(GroupDispatcherRegistry.name, () => {
  it('routes the group to its dispatcher, but leaves the plurals of declared kinds to the kernel', () => {
    const { dispatchers, extension } = registry();
    assert.equal(dispatchers.route(resource({ resource: 'gadgets' })), extension);
    assert.equal(dispatchers.route(resource({ resource: 'widgets', subresource: 'acknowledge' })), extension);
    assert.equal(dispatchers.route(resource({ resource: 'widgets' })), undefined);
    assert.equal(dispatchers.route(resource({ resource: 'widgets', subresource: 'status' })), undefined);
    assert.equal(dispatchers.route(resource({ apiGroup: 'other.example.com', resource: 'things' })), undefined);
  });

  it('asks the guards in route and admit, also for declared kinds, but not in owner', () => {
    const { dispatchers, extension } = registry();
    const closedGadgets = resource({ resource: 'gadgets', workspace: 'closed' });
    assert.throws(() => dispatchers.route(closedGadgets), /not enabled in workspace "closed"/);
    assert.throws(() => dispatchers.route(resource({ resource: 'widgets', workspace: 'closed' })), NotFoundError);
    assert.equal(dispatchers.owner(closedGadgets), extension);
    assert.throws(() => dispatchers.admit(closedGadgets), NotFoundError);
    assert.equal(dispatchers.owner(resource({ resource: 'widgets' })), undefined);
  });

  it('hands paths under a prefix to their dispatcher, without guards, until the prefix is removed', () => {
    const { dispatchers, proxy } = registry();
    const page = { ...nonResourceRequestInfo('/proxy/widgets/page', 'GET'), workspace: 'closed' };
    assert.equal(dispatchers.owner(page), proxy);
    assert.equal(dispatchers.route(page), proxy);
    assert.equal(dispatchers.owner(nonResourceRequestInfo('/proxyish', 'GET')), undefined);
    dispatchers.deletePathPrefix('/proxy/');
    assert.equal(dispatchers.route(page), undefined);
  });

  it('refuses prefixes inside /kapis/ or without slashes at both ends', () => {
    const { dispatchers } = registry();
    for (const bad of ['/kapis/x/', 'proxy/', '/proxy']) {
      assert.throws(() => dispatchers.setPathPrefix(bad, dispatcher('x')), /must start and end with/);
    }
  });
});
