import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { ApiGroupRegistry, KindRegistry, registerKernelKinds, type KindDefinition } from '@mortise/api';
import { RequestPipeline, ResourceRest } from '@mortise/apiserver';
import { createLogger } from '@mortise/observability';
import { MemoryStore } from '@mortise/store';
import { INSTALL_INTEREST_PREFIX, warmUpFirstInstall, warmUpOnFirstUse } from './first-install-warm-up.js';

function setUp(validatorFor: (def: KindDefinition) => () => void) {
  const kinds = new KindRegistry(new ApiGroupRegistry());
  registerKernelKinds(kinds);
  const rest = new ResourceRest({ store: new MemoryStore(), kinds, validatorFor });
  return { kinds, rest };
}

describe(warmUpFirstInstall.name, () => {
  it('compiles the InstallPlan validator in the background, once, so the first install reuses it', async () => {
    const compiled: string[] = [];
    const { kinds, rest } = setUp((def) => {
      compiled.push(def.kind);
      return () => undefined;
    });
    const warmUp = warmUpFirstInstall(rest, kinds, createLogger({ level: 'silent' }));
    // Nothing runs before the caller's turn of the event loop ends.
    assert.deepEqual(compiled, []);
    await warmUp.done;
    assert.deepEqual(compiled, ['InstallPlan']);
    rest.prepareValidator(kinds.findByKind('extensions.mortise.io', 'InstallPlan')!);
    assert.deepEqual(compiled, ['InstallPlan']);
  });

  it('logs a failing step and still settles, leaving the work to the first install', async () => {
    const { kinds, rest } = setUp(() => {
      throw new Error('schema does not compile');
    });
    const warnings: string[] = [];
    const logger = createLogger({ level: 'silent' });
    logger.warn = ((_obj: unknown, msg: string) => void warnings.push(msg)) as typeof logger.warn;
    await warmUpFirstInstall(rest, kinds, logger).done;
    assert.deepEqual(warnings, ['first-install warm-up step failed']);
  });
});

describe(warmUpOnFirstUse.name, () => {
  it('starts the warm-up on the first request for the extensions API only, and once', async () => {
    const app = Fastify();
    const pipeline = new RequestPipeline();
    pipeline.install(app);
    app.get('/*', () => ({}));
    let runs = 0;
    const deferred = warmUpOnFirstUse(pipeline, () => {
      runs += 1;
      return { done: Promise.resolve() };
    });
    await app.inject({ url: '/kapis/tenant.mortise.io/v1/workspaces' });
    await app.inject({ url: '/healthz' });
    assert.equal(runs, 0);
    await app.inject({ url: `${INSTALL_INTEREST_PREFIX}v1/marketplace` });
    await app.inject({ url: `${INSTALL_INTEREST_PREFIX}v1/installplans` });
    assert.equal(runs, 1, 'the request started it');
    await deferred.start();
    assert.equal(runs, 1);
    await app.close();
  });

  it('starts when asked before any such request', async () => {
    const app = Fastify();
    const pipeline = new RequestPipeline();
    pipeline.install(app);
    let runs = 0;
    const deferred = warmUpOnFirstUse(pipeline, () => {
      runs += 1;
      return { done: Promise.resolve() };
    });
    await deferred.start();
    await deferred.start();
    assert.equal(runs, 1);
    await app.close();
  });
});
