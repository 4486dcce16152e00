// Entry point: configuration first (cheap), so a bad setting fails fast
// before the framework is even loaded.
import module from 'node:module';
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

// Node 22.1+: V8's code cache for everything imported below (in the bundle,
// the chunks holding Nest, Fastify and the kernel), kept in the OS temp dir
// (or NODE_COMPILE_CACHE), so later starts skip most compiling. Not in Node 20.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const { createKernel } = await import('./create-kernel.js');
const { startupFailureMessage } = await import('./startup-failure.js');
const { guardProcessFaults } = await import('@mortise/runtime');
let kernel: Awaited<ReturnType<typeof createKernel>>;
try {
  kernel = await createKernel({ config });
} catch (err) {
  const message = startupFailureMessage(err, config);
  if (message === undefined) throw err;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
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
