import { NotFoundError, type Resource } from '@mortise/api';
import type { ObjectRef, ResourceStore } from './resource-store.js';

/** The object, or undefined when it does not exist; any other failure still throws. */
export async function getIfExists<T extends Resource = Resource>(
  store: ResourceStore,
  ref: ObjectRef,
): Promise<T | undefined> {
  try {
    return (await store.get(ref)) as T;
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}
