import { MemoryObjectTable } from './memory-object-table.js';
import { TableStore, type TableStoreOptions } from './table.store.js';

/** Everything in process memory: for tests and throw-away kernels. */
export class MemoryStore extends TableStore {
  constructor(options: TableStoreOptions = {}) {
    super(new MemoryObjectTable(), options);
  }
}
