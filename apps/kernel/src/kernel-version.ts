import { createRequire } from 'node:module';

/** The kernel's own version, from its package.json; extensions declare the kernel range they need against it. */
export const KERNEL_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string })
  .version;
