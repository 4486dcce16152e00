import assert from 'node:assert/strict';
import { isPackageRejected, type PackageRejection } from '../package/package-error.js';

/** The rejection code a package operation failed with; fails the test when it succeeded or failed otherwise. */
export async function rejectionOf(promise: Promise<unknown>): Promise<PackageRejection> {
  try {
    await promise;
  } catch (error) {
    if (isPackageRejected(error)) return error.rejection;
    throw error;
  }
  assert.fail('the package was accepted');
}
