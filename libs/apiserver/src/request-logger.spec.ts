import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createLogger } from '@mortise/observability';
import type { FastifyBaseLogger } from 'fastify';
import { RequestLogger } from './request-logger.js';

function capturingLogger(): {
  logger: FastifyBaseLogger;
  lines: Array<Record<string, unknown>>;
  children: () => number;
} {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    for (const l of chunk.toString().split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
  });
  const logger = createLogger({ level: 'info', destination: stream }) as unknown as FastifyBaseLogger;
  let made = 0;
  const child = logger.child.bind(logger);
  logger.child = (bindings, options) => {
    made++;
    return child(bindings, options);
  };
  return { logger, lines, children: () => made };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe(RequestLogger.name, () => {
  it('makes no child logger for a request that logs nothing', () => {
    const { logger, children } = capturingLogger();
    const requestLogger = new RequestLogger(logger, { requestId: 'r1' }, {});
    assert.equal(requestLogger.level, 'info');
    requestLogger.silent();
    assert.equal(children(), 0);
  });

  it('writes lines with the request id bound and redaction kept, through one child', async () => {
    const { logger, lines, children } = capturingLogger();
    const requestLogger = new RequestLogger(logger, { requestId: 'r2' }, {});
    requestLogger.warn({ headers: { authorization: 'Bearer secret' } }, 'first');
    requestLogger.error('second %s', 'line');
    requestLogger.debug('below the level');
    await flush();
    assert.equal(children(), 1);
    assert.deepEqual(
      lines.map((l) => [l['requestId'], l['msg']]),
      [
        ['r2', 'first'],
        ['r2', 'second line'],
      ],
    );
    assert.doesNotMatch(JSON.stringify(lines[0]), /secret/);
  });

  it('keeps a per-route level', async () => {
    const { logger, lines } = capturingLogger();
    const requestLogger = new RequestLogger(logger, { requestId: 'r3' }, { level: 'error' });
    assert.equal(requestLogger.level, 'error');
    requestLogger.warn('dropped');
    requestLogger.error('kept');
    await flush();
    assert.deepEqual(
      lines.map((l) => l['msg']),
      ['kept'],
    );
  });
});
