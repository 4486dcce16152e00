import type { ExtensionRuntime } from './extension-runtime.js';

export interface ProcessFaultLogger {
  error(obj: object, msg: string): void;
}

/**
 * Errors that escape every request — a throw in a timer, a promise nobody
 * awaits — reach the process, and by default end it. This keeps the kernel
 * up when the error comes from an extension: the stack names a file of an
 * installed extension's package, so that extension's status records it and
 * the kernel carries on. Errors that cannot be traced to an extension keep
 * the default: logged, then the process exits with code 1.
 *
 * Installed once by the kernel's entry point, not by each kernel (tests boot
 * many kernels in one process). Returns the function that removes it.
 */
export function guardProcessFaults(runtime: ExtensionRuntime, logger: ProcessFaultLogger): () => void {
  const onError = (err: unknown, origin: string): void => {
    const extension = runtime.absorbFault(err);
    if (extension !== undefined) {
      logger.error({ extension, origin }, 'an extension raised an error outside any request; the kernel carries on');
      return;
    }
    logger.error({ err, origin }, 'fatal error outside any request');
    process.exit(1);
  };
  const onRejection = (reason: unknown): void => onError(reason, 'unhandledRejection');
  const onException = (err: Error, origin: string): void => onError(err, origin);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
