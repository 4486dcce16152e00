import { Type, type Static } from '@sinclair/typebox';
import { ExtensionManifestSchema, compileSchemaValidator, isMortiseError } from '@mortise/api';

export const INDEX_FILE = 'index.json';
export const INDEX_SIGNATURE_FILE = 'index.json.sig';
export const INDEX_API_VERSION = 'extensions.mortise.io/v1';
export const INDEX_KIND = 'RepositoryIndex';

/** One released version as the index lists it. */
export const IndexedVersionSchema = Type.Object({
  version: Type.String({ minLength: 1 }),
  /** `sha256:<hex>` of the package file. */
  digest: Type.String({ pattern: '^sha256:[a-f0-9]{64}$' }),
  /** The package: relative to the index's URL, or an absolute `file://`/`http(s)://` URL. */
  location: Type.String({ minLength: 1 }),
  /** When it was published (RFC 3339). */
  created: Type.Optional(Type.String()),
  /** Key id of the package's signature, if signed. */
  publisher: Type.Optional(Type.String()),
  /** `extension.yaml` of the package. */
  manifest: ExtensionManifestSchema,
  readme: Type.Optional(Type.String()),
  changelog: Type.Optional(Type.String()),
});

export const RepositoryIndexSchema = Type.Object({
  apiVersion: Type.Literal(INDEX_API_VERSION),
  kind: Type.Literal(INDEX_KIND),
  generated: Type.Optional(Type.String()),
  extensions: Type.Array(
    Type.Object({
      name: Type.String({ minLength: 1 }),
      versions: Type.Array(IndexedVersionSchema),
    }),
  ),
});

export type IndexedVersion = Static<typeof IndexedVersionSchema>;
export type RepositoryIndex = Static<typeof RepositoryIndexSchema>;

/** Thrown when an index cannot be used; the sync turns it into the `BadIndex` condition. */
export class BadIndexError extends Error {}

/** Parses and checks an index document; every version's manifest must be valid and carry its extension's name. */
export function parseRepositoryIndex(data: Buffer | string): RepositoryIndex {
  let value: unknown;
  try {
    value = JSON.parse(data.toString());
  } catch (error) {
    throw new BadIndexError(`${INDEX_FILE} is not JSON: ${(error as Error).message}`);
  }
  try {
    compileSchemaValidator(RepositoryIndexSchema, INDEX_FILE)(value);
  } catch (error) {
    if (isMortiseError(error)) throw new BadIndexError(error.message);
    throw error;
  }
  const index = value as RepositoryIndex;
  for (const extension of index.extensions) {
    for (const version of extension.versions) {
      if (version.manifest.name !== extension.name || version.manifest.version !== version.version) {
        throw new BadIndexError(
          `${INDEX_FILE}: ${extension.name} ${version.version} carries the manifest of ${version.manifest.name} ${version.manifest.version}`,
        );
      }
    }
  }
  return index;
}

export function emptyRepositoryIndex(): RepositoryIndex {
  return { apiVersion: INDEX_API_VERSION, kind: INDEX_KIND, extensions: [] };
}
