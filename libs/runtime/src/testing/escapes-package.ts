import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * An extension package whose code lives in the package itself (plain ESM, no
 * build, no node_modules: Nest and the SDK come from the kernel) and whose
 * routes raise errors outside the request: a throw in a timer, a rejection
 * nobody awaits.
 */
const ENTRY = `import { Controller, Get, Module } from '@nestjs/common';
import { defineExtension } from '@mortise/sdk';

class Escapes {
  timer() {
    setTimeout(() => { throw new Error('escaped from a timer'); }, 5);
    return { ok: true };
  }
  rejection() {
    void Promise.reject(new Error('nobody awaited this'));
    return { ok: true };
  }
}
Controller()(Escapes);
for (const [path, method] of [['escape-timer', 'timer'], ['escape-rejection', 'rejection']]) {
  Get(path)(Escapes.prototype, method, Object.getOwnPropertyDescriptor(Escapes.prototype, method));
}
class EscapesModule {}
Module({ controllers: [Escapes] })(EscapesModule);

export default defineExtension({ module: EscapesModule });
`;

export const ESCAPES_PATH = '/kapis/escapes.example.io/v1';

export async function writeEscapesPackage(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'mortise-escapes-'));
  await mkdir(join(directory, 'dist'));
  await writeFile(join(directory, 'dist', 'index.js'), ENTRY);
  await writeFile(
    join(directory, 'extension.yaml'),
    stringify({ name: 'escapes', version: '1.0.0', backend: { module: 'dist/index.js', group: 'escapes.example.io' } }),
  );
  return directory;
}
