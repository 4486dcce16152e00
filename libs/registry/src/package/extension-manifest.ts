import { ExtensionManifestSchema, compileSchemaValidator, isMortiseError, type ExtensionManifest } from '@mortise/api';
import semver from 'semver';
import { PackageRejectedError } from './package-error.js';

/** `extension.yaml` checked against the manifest schema; a failure names the fields. */
export function validateExtensionManifest(value: unknown): ExtensionManifest {
  const validate = compileSchemaValidator(ExtensionManifestSchema, 'extension.yaml');
  try {
    validate(value);
  } catch (error) {
    if (!isMortiseError(error)) throw error;
    throw new PackageRejectedError('InvalidManifest', error.message, error.details?.causes);
  }
  const manifest = value as ExtensionManifest;
  const causes = [];
  if (semver.valid(manifest.version) === null) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'version',
      message: `"${manifest.version}" is not a semantic version`,
    });
  }
  if (manifest.kernel !== undefined && semver.validRange(manifest.kernel) === null) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'kernel',
      message: `"${manifest.kernel}" is not a semver range`,
    });
  }
  for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
    if (semver.validRange(range) === null) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: `dependencies.${name}`,
        message: `"${range}" is not a semver range`,
      });
    }
  }
  if (causes.length > 0) {
    throw new PackageRejectedError(
      'InvalidManifest',
      `extension.yaml: ${causes.map((c) => c.message).join('; ')}`,
      causes,
    );
  }
  return manifest;
}
