import { createRequire } from 'node:module';

/** The CLI's version, from its package.json (one place to bump). */
export const CLI_VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
