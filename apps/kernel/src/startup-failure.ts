import { resolve } from 'node:path';
import { DataDirLockedError } from '@mortise/store';
import type { KernelConfig } from './config/kernel-config.schema.js';

/**
 * The one line an operator sees for a start-up failure they can fix, or
 * undefined for anything else (which stays a crash with its full report).
 */
export function startupFailureMessage(err: unknown, config: KernelConfig): string | undefined {
  if (err instanceof DataDirLockedError) {
    const absolute = resolve(config.dataDir);
    const where = absolute === config.dataDir ? absolute : `${config.dataDir} (${absolute})`;
    return `another Mortise kernel is already using data dir ${where}; stop it, or give this one its own MORTISE_DATA_DIR`;
  }
  return undefined;
}
