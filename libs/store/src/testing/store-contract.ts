import { after, afterEach, describe } from 'node:test';
import type { ResourceStore } from '../resource-store.js';
import type { ContractContext, StoreFactory } from './contract-context.js';
import { crudContract } from './crud.contract.js';
import { listContract } from './list.contract.js';
import { patchContract } from './patch.contract.js';
import { watchContract } from './watch.contract.js';

export type { ContractContext, ContractStoreOptions, StoreFactory } from './contract-context.js';

/** The behaviour every ResourceStore backend must have. Call inside a spec: `runStoreContract('memory', factory)`. */
export function runStoreContract(name: string, factory: StoreFactory): void {
  describe(`ResourceStore contract: ${name}`, () => {
    const opened: ResourceStore[] = [];
    const context: ContractContext = {
      open: async (options = {}) => {
        const store = await factory(options);
        opened.push(store);
        return store;
      },
    };
    const closeAll = async (): Promise<void> => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    };
    afterEach(closeAll);
    after(closeAll);
    crudContract(context);
    patchContract(context);
    listContract(context);
    watchContract(context);
  });
}
