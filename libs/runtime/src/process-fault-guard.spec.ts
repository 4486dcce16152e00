import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ExtensionStatus } from './extension-status.js';
import { ESCAPES_PATH } from './testing/escapes-package.js';

function next<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve) => child.once('message', (m) => resolve(m as T)));
}

describe('guardProcessFaults', () => {
  let child: ChildProcess;
  let url: string;
  before(async () => {
    child = fork(fileURLToPath(new URL('./testing/process-fault.child.js', import.meta.url)), [], { stdio: 'ignore' });
    url = (await next<{ url: string }>(child)).url;
  });
  after(() => child.kill());

  const status = async () => {
    child.send('status');
    return next<ExtensionStatus>(child);
  };

  for (const route of ['escape-timer', 'escape-rejection']) {
    it(`keeps the kernel up when an extension's ${route.replace('escape-', '')} error escapes the request`, async () => {
      const res = await fetch(`${url}${ESCAPES_PATH}/${route}`, { headers: { authorization: 'Bearer admin' } });
      assert.equal(res.status, 200);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(child.exitCode, null);
      const s = await status();
      assert.equal(s.conditions[0]?.reason, 'UncaughtError');
      assert.match(s.lastFailure?.message ?? '', /escaped from a timer|nobody awaited this/);
    });
  }

  it('still ends the process on an error that is not an extension’s', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.send('kernel-bug');
    assert.equal(await exited, 1);
  });
});
