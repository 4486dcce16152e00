import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidError, type ExtensionVersion, type Repository } from '@mortise/api';
import { getIfExists, type ResourceStore } from '@mortise/store';
import type { LocationAccess } from '../package/location-reader.js';
import { REPOSITORY_LABEL, RepositoryRef } from './catalogue-names.js';

/** Where `basicAuth.secretRef` is resolved: a secret's keys by name. */
export interface SecretSource {
  /** The secret's key → value; NotFound/Invalid when it is missing. Values never go to logs or status. */
  read(ref: { name: string; namespace?: string }): Promise<Record<string, string>>;
}

/**
 * Secrets as files, the layout of a mounted Kubernetes Secret volume:
 * `<dir>/<name>/<key>` (in the kernel `<dataDir>/secrets/<name>/username`
 * and `.../password`). Only the keys asked for are read.
 */
export class DirectorySecretSource implements SecretSource {
  constructor(private readonly directory: string) {}

  async read(ref: { name: string }): Promise<Record<string, string>> {
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(ref.name)) {
      throw new InvalidError(`secret name "${ref.name}" is not a DNS-1123 name`);
    }
    const values: Record<string, string> = {};
    for (const key of ['username', 'password']) {
      const value = await readFile(join(this.directory, ref.name, key), 'utf8').catch(() => undefined);
      if (value !== undefined) values[key] = value.replace(/\r?\n$/, '');
    }
    return values;
  }
}

/** The TLS roots and basic-auth credentials a repository's index and packages are fetched with. */
export async function repositoryAccess(
  repository: Repository,
  secrets: SecretSource | undefined,
): Promise<LocationAccess> {
  const access: LocationAccess = {};
  if (repository.spec.caBundle) access.caBundle = repository.spec.caBundle;
  const ref = repository.spec.basicAuth?.secretRef;
  if (ref) {
    if (!secrets)
      throw new InvalidError(
        `Repository "${repository.metadata.name}" names a basicAuth secret, but no secret source is configured`,
      );
    const values = await secrets.read(ref);
    if (values.username === undefined || values.password === undefined) {
      throw new InvalidError(
        `secret "${ref.name}" of Repository "${repository.metadata.name}" needs the keys username and password`,
      );
    }
    access.basicAuth = { username: values.username, password: values.password };
  }
  return access;
}

/**
 * What a version's package is fetched with: the access of the repository it
 * was synced from; none for a version of no repository, or of one since
 * deleted. A store that fails fails the fetch, rather than sending it
 * without the credentials it needs.
 */
export async function versionAccess(
  store: ResourceStore,
  version: ExtensionVersion,
  secrets: SecretSource | undefined,
): Promise<LocationAccess> {
  const name = version.metadata.labels?.[REPOSITORY_LABEL];
  if (!name) return {};
  const repository = await getIfExists<Repository>(store, { ...RepositoryRef, name });
  return repository ? repositoryAccess(repository, secrets) : {};
}
