import { InvalidError, type StatusCause } from '@mortise/api';

/**
 * Why a package was refused. The repository sync and the install controller
 * put the code into a condition reason, so it is part of the API.
 */
export type PackageRejection =
  /** Not a readable gzipped tar, or no `extension.yaml`/manifest. */
  | 'BadPackage'
  /** A path is absolute, has `..`, a link leaves the root, or an entry type is not allowed. */
  | 'UnsafeArchive'
  /** More entries or bytes than the limits allow. */
  | 'TooLarge'
  /** A file differs from, is missing from, or is not listed in the signed manifest; or the signature does not verify. */
  | 'Tampered'
  /** No signature, and the policy does not allow unsigned packages. */
  | 'Unsigned'
  /** Signed by a key the policy does not trust. */
  | 'UntrustedPublisher'
  /** The package's sha256 is not the one the catalogue announced. */
  | 'DigestMismatch'
  /** `extension.yaml` does not match the manifest schema. */
  | 'InvalidManifest';

/** A package the kernel will not use; `rejection` says why, the message what to do. */
export class PackageRejectedError extends InvalidError {
  constructor(
    readonly rejection: PackageRejection,
    message: string,
    causes?: StatusCause[],
  ) {
    super(message, causes ? { causes } : undefined);
  }
}

export function isPackageRejected(error: unknown): error is PackageRejectedError {
  return error instanceof PackageRejectedError;
}
