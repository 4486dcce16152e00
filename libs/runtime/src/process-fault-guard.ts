import { fileURLToPath } from 'node:url';
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

/** Whether any frame of the error's stack lies in `directory` (as a path or a file URL). */
export function stackMentions(err: unknown, directory: string): boolean {
  const stack = err instanceof Error ? (err.stack ?? '') : '';
  if (!stack) return false;
  const prefix = directory.endsWith('/') ? directory : `${directory}/`;
  for (const line of stack.split('\n')) {
    const match = /(file:\/\/[^\s)?:]+|\/[^\s)?:]+)/.exec(line);
    if (!match?.[1]) continue;
    const path = match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1];
    if (path.startsWith(prefix)) return true;
  }
  return false;
}
