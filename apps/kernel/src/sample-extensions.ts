import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The sample extensions beside the kernel in a source checkout (`extensions/`), when built; none in an image without them. */
export function sampleExtensionDirectories(): string[] {
  // dist/ of apps/kernel (both the tsc output and the bundle live there) → the repository root.
  const root = fileURLToPath(new URL('../../../extensions/', import.meta.url));
  return ['announcements', 'remote-notes']
    .map((name) => join(root, name))
    .filter((dir) => existsSync(join(dir, 'extension.yaml')));
}
