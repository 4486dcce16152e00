import { MemoryStore } from './memory.store.js';
import { runStoreContract } from './testing/store-contract.js';

runStoreContract(
  'memory',
  async ({ historyEvents }) =>
    new MemoryStore(historyEvents === undefined ? {} : { history: { minEvents: historyEvents, minAgeMs: 0 } }),
);
