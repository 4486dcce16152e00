import { NotFoundError } from '@mortise/api';
import type { DeleteOptions, ObjectRef, ResourceStore } from './resource-store.js';

/**
 * Deletes the object (or, with finalizers, marks it for deletion): true when
 * the store took the delete, false when the object was already gone. Any
 * other failure, a failed precondition included, still throws.
 */
export async function deleteIfExists(store: ResourceStore, ref: ObjectRef, options?: DeleteOptions): Promise<boolean> {
  try {
    await store.delete(ref, options);
    return true;
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}
