import type { ResourceStore } from '../resource-store.js';

export interface ContractStoreOptions {
  /**
   * Watch history the store should keep at least, in events; the contract asks
   * for a small one to provoke 410. Backends that cannot bound it so tightly
   * may keep more, but must still expire versions once far enough behind.
   */
  historyEvents?: number;
}

export type StoreFactory = (options: ContractStoreOptions) => Promise<ResourceStore>;

/**
 * Opens fresh stores and closes them after each test. Suites call
 * `open()` inside `it`.
 */
export interface ContractContext {
  open: (options?: ContractStoreOptions) => Promise<ResourceStore>;
}
