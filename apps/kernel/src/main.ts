// Entry point: configuration first (cheap), so a bad setting fails fast
// before the framework is even loaded.
import { ConfigError, loadConfig } from './config/load-config.js';
import type { KernelConfig } from './config/kernel-config.schema.js';

let config: KernelConfig;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(2);
}

const { createKernel } = await import('./create-kernel.js');
const { guardProcessFaults } = await import('@mortise/runtime');
const kernel = await createKernel({ config });
// An error an extension raises outside any request is recorded on it instead of ending the kernel.
guardProcessFaults(kernel.extensions, kernel.logger);

let stopping = false;
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) return;
  stopping = true;
  kernel.logger.info({ signal }, 'shutting down');
  kernel.close().then(
    () => process.exit(0),
    (err: unknown) => {
      kernel.logger.error({ err }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
