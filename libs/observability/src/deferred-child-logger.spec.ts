import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { DeferredChildLogger, deferredChildLoggerFactory } from './deferred-child-logger.js';
import { createLogger } from './logger.js';

function capture(level: 'info' | 'warn' = 'info') {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const lines = async (): Promise<Record<string, unknown>[]> => {
    await new Promise((r) => setImmediate(r));
    return chunks
      .join('')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  return { logger: createLogger({ level, destination: stream }), lines };
}

describe(DeferredChildLogger.name, () => {
  it('makes no child until a line is written at an enabled level', async () => {
    const { logger, lines } = capture('warn');
    const child = new DeferredChildLogger(logger, { requestId: 'r1' });
    child.info('dropped');
    child.debug({ a: 1 }, 'dropped too');
    assert.equal(child.materialized, false);
    assert.equal(child.isLevelEnabled('info'), false);
    assert.equal(child.level, 'warn');
    assert.deepEqual(await lines(), []);
    child.warn({ user: 'ada' }, 'written');
    assert.equal(child.materialized, true);
    const [line] = await lines();
    assert.equal(line?.msg, 'written');
    assert.equal(line?.requestId, 'r1');
    assert.equal(line?.user, 'ada');
  });

  it('keeps the parent redaction and bindings, and passes them to grandchildren', async () => {
    const { logger, lines } = capture();
    const child = new DeferredChildLogger(logger, { requestId: 'r2' });
    assert.deepEqual(child.bindings(), { service: 'mortise', requestId: 'r2' });
    child.child({ stage: 'auth' }).info({ authorization: 'Bearer abc' }, 'nested');
    const [line] = await lines();
    assert.equal(line?.requestId, 'r2');
    assert.equal(line?.stage, 'auth');
    assert.equal(line?.authorization, '[redacted]');
  });

  it('follows a level set on it, not on the parent', async () => {
    const { logger, lines } = capture('warn');
    const child = new DeferredChildLogger(logger, { requestId: 'r3' });
    child.level = 'debug';
    child.debug('now visible');
    logger.debug('parent still quiet');
    assert.deepEqual(
      (await lines()).map((l) => [l.msg, l.requestId]),
      [['now visible', 'r3']],
    );
  });

  it('is skipped by the factory when the route asks for its own level', () => {
    const { logger } = capture();
    assert.ok(deferredChildLoggerFactory(logger, { requestId: 'r4' }, {}) instanceof DeferredChildLogger);
    const eager = deferredChildLoggerFactory(logger, { requestId: 'r4' }, { level: 'debug' });
    assert.ok(!(eager instanceof DeferredChildLogger));
    assert.equal(eager.level, 'debug');
  });
});
