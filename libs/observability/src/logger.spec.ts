import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createLogger } from './logger.js';

function captureLines(): { stream: PassThrough; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe(createLogger.name, () => {
  it('censors credentials at the top level and nested', async () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ level: 'info', destination: stream });
    logger.info(
      {
        password: 'p1',
        req: { headers: { authorization: 'Bearer abc', cookie: 'sid=1', accept: 'json' } },
        user: { token: 't1', secret: 's1', name: 'ada' },
      },
      'hello',
    );
    await new Promise((r) => setImmediate(r));
    const text = JSON.stringify(lines());
    for (const secret of ['p1', 'Bearer abc', 'sid=1', 't1', 's1']) assert.ok(!text.includes(secret), secret);
    assert.ok(text.includes('ada'));
    assert.ok(text.includes('"accept":"json"'));
  });

  it('honours the configured level', async () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ level: 'warn', destination: stream });
    logger.info('quiet');
    logger.warn('loud');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      lines().map((l) => l.msg),
      ['loud'],
    );
  });
});
