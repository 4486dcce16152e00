/**
 * A kernel in its own process for the process-fault test: errors that escape
 * requests reach this process's handlers, not the test runner's.
 */
import { guardProcessFaults } from '../process-fault-guard.js';
import { InMemoryKernel } from './in-memory-kernel.js';
import { writeEscapesPackage } from './escapes-package.js';

const kernel = await InMemoryKernel.start({
  users: { admin: { rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'], nonResourceURLs: ['*'] }] } },
});
guardProcessFaults(kernel.runtime, { error: () => undefined });
await kernel.runtime.install(await writeEscapesPackage());
const url = await kernel.listen();
process.on('message', (message) => {
  if (message === 'status') process.send?.(kernel.runtime.status('escapes'));
  if (message === 'kernel-bug')
    setTimeout(() => {
      throw new Error('a kernel bug');
    }, 1);
});
process.send?.({ url });
