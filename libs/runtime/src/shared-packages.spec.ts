import { createHook } from 'node:async_hooks';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { registerSharedPackages } from './shared-packages.js';

/** Imports `specifier` and returns what it was rejected with. */
async function importError(specifier: string): Promise<{ code?: string; message: string }> {
  try {
    await import(specifier);
  } catch (err) {
    return err as { code?: string; message: string };
  }
  assert.fail(`${specifier} imported`);
}

describe('shared packages resolve hook', () => {
  it('a specifier that does not resolve still rejects with its code and message, and leaves no message port open', async () => {
    registerSharedPackages();
    // Node 20 leaves a MessagePort open for each failing resolve in a hook;
    // Nest tries missing optional packages at every application boot.
    const open = new Set<number>();
    const ports = createHook({
      init: (id, type) => void (type === 'MESSAGEPORT' && open.add(id)),
      destroy: (id) => void open.delete(id),
    }).enable();
    try {
      for (let i = 0; i < 10; i++) {
        const err = await importError(`@nestjs/not-installed-${i}`);
        assert.equal(err.code, 'ERR_MODULE_NOT_FOUND');
        assert.match(err.message, new RegExp(`Cannot find package '@nestjs/not-installed-${i}'`));
      }
      const again = await importError('@nestjs/not-installed-0');
      assert.equal(again.code, 'ERR_MODULE_NOT_FOUND');
      await sleep(50);
      assert.equal(open.size, 0, `${open.size} message ports left open`);
    } finally {
      ports.disable();
    }
  });

  it('a relative import of a missing file rejects as before', async () => {
    registerSharedPackages();
    const err = await importError('./no-such-module.js');
    assert.equal(err.code, 'ERR_MODULE_NOT_FOUND');
    assert.match(err.message, /no-such-module\.js/);
  });
});
